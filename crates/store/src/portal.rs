//! The customer's view of documents. Every function takes a [`PortalScope`] (the HTTP layer
//! makes it from a signed-in portal session only): there is no unscoped query here to call by
//! mistake.

use chrono::{DateTime, NaiveDate, Utc};
use portal_domain::document::{is_overdue, is_payable, payment_status};
use portal_domain::filter::{AMOUNT_SCALE, AmountColumn, DocumentQuery, SortColumn, StatusFilter};
use portal_domain::money::{Currency, format_minor};
use portal_types::{CurrencySums, DocumentRow, DocumentState, DocumentType};
use sea_orm::{ConnectionTrait, EntityTrait, FromQueryResult};

use crate::HotReads;
use crate::columns::{Columns, required};
use crate::entities::organization;
use crate::error::StoreError;
use crate::sql::Sql;

/// What a portal user may see: one organisation, one customer, issued documents of the types
/// the organisation releases.
#[derive(Debug, Clone)]
pub struct PortalScope {
    /// The issuing organisation.
    pub organization_id: i64,
    /// The customer.
    pub contractor_id: i64,
    /// Released document types.
    pub types: Vec<DocumentType>,
    /// The organisation row (portal settings, issuer data).
    pub organization: organization::Model,
}

impl PortalScope {
    /// The scope of a signed-in portal user: its organisation (as read with the session check)
    /// and the customer its token was issued for.
    pub fn new(organization: organization::Model, contractor_id: i64) -> PortalScope {
        let types = released_types(&organization);
        PortalScope {
            organization_id: organization.id,
            contractor_id,
            types,
            organization,
        }
    }

    /// Whether the organisation releases documents of this type (wire spelling) to the portal.
    pub fn releases(&self, doc_type: &str) -> bool {
        DocumentType::parse(doc_type).is_some_and(|t| self.types.contains(&t))
    }

    /// `WHERE` conditions every portal query starts with.
    fn restrict(&self, sql: &mut Sql) {
        sql.push(" WHERE d.organization_id = ")
            .bind(self.organization_id);
        sql.push(" AND d.contractor_id = ").bind(self.contractor_id);
        // Literal, so that the planner matches the partial grid indexes.
        sql.push(" AND d.state <> 'draft'");
        // When every type is released there is nothing to filter (and nothing for the
        // database to check row by row).
        if !DocumentType::ALL.iter().all(|t| self.types.contains(t)) {
            sql.push(" AND d.doc_type IN ");
            if self.types.is_empty() {
                sql.push("('')");
            } else {
                sql.bind_list(self.types.iter().map(|t| t.as_str()));
            }
        }
    }
}

/// The document types an organisation releases to its portal. The only reader of the stored
/// list: what the portal shows and what the SPA is told come from here.
/// The `portal_document_types` column for `types`, the writer's side of [`released_types`].
pub fn types_column(types: &[DocumentType]) -> String {
    types
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub fn released_types(organization: &organization::Model) -> Vec<DocumentType> {
    organization
        .portal_document_types
        .split(',')
        .filter_map(DocumentType::parse)
        .collect()
}

/// One document as the grid shows it, as read from the database.
#[derive(Debug, Clone)]
pub struct DocumentRecord {
    pub id: i64,
    pub number: String,
    pub doc_type: DocumentType,
    pub issue_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub tax_base_minor: i64,
    pub vat_minor: i64,
    pub total_minor: i64,
    pub paid_minor: Option<i64>,
    pub remaining_minor: Option<i64>,
    pub state: DocumentState,
    pub last_downloaded_at: Option<DateTime<Utc>>,
}

/// The columns [`DocumentRecord::read`] reads, in its order.
pub const RECORD_COLUMNS: &str = "d.id, d.number, d.doc_type, d.issue_date, d.due_date, d.currency, d.tax_base_minor, \
d.vat_minor, d.total_minor, d.paid_minor, d.remaining_minor, d.state, d.last_downloaded_at";

impl DocumentRecord {
    /// Reads [`RECORD_COLUMNS`] from the row, the first of them at position `at`.
    fn read(row: &dyn Columns, at: usize) -> Result<DocumentRecord, StoreError> {
        let text = |i: usize| -> Result<String, StoreError> {
            Ok(required(at + i, row.text(at + i)?)?.into_owned())
        };
        let int = |i: usize| required(at + i, row.int(at + i)?);
        let doc_type = required(at + 2, row.text(at + 2)?)?;
        let state = required(at + 11, row.text(at + 11)?)?;
        Ok(DocumentRecord {
            id: int(0)?,
            number: text(1)?,
            doc_type: DocumentType::parse(&doc_type)
                .ok_or_else(|| StoreError::internal(format!("bad doc_type {doc_type}")))?,
            issue_date: required(at + 3, row.date(at + 3)?)?,
            due_date: row.date(at + 4)?,
            currency: text(5)?,
            tax_base_minor: int(6)?,
            vat_minor: int(7)?,
            total_minor: int(8)?,
            paid_minor: row.int(at + 9)?,
            remaining_minor: row.int(at + 10)?,
            state: DocumentState::parse(&state)
                .ok_or_else(|| StoreError::internal(format!("bad state {state}")))?,
            last_downloaded_at: row.instant(at + 12)?,
        })
    }

    /// Whether it shows payments (a payable type with payment columns; a cancelled invoice
    /// too), its payment status and whether it is overdue: the grid's derived columns.
    pub fn status(&self, today: NaiveDate) -> RowStatus {
        let payable = is_payable(self.doc_type) && self.paid_minor.is_some();
        let (paid, remaining) = (
            self.paid_minor.unwrap_or(0),
            self.remaining_minor.unwrap_or(0),
        );
        RowStatus {
            payable,
            payment_status: if payable {
                payment_status(self.doc_type, self.state, paid, remaining)
            } else {
                None
            },
            overdue: payable
                && is_overdue(self.doc_type, self.state, remaining, self.due_date, today),
        }
    }

    /// The grid row, with money formatted in the currency's exponent.
    pub fn into_row(self, today: NaiveDate) -> DocumentRow {
        let status = self.status(today);
        let exp = exponent(&self.currency);
        let amount = |v: Option<i64>| status.payable.then(|| format_minor(v.unwrap_or(0), exp));
        DocumentRow {
            id: self.id,
            paid: amount(self.paid_minor),
            remaining: amount(self.remaining_minor),
            number: self.number,
            date: self.issue_date,
            due_date: self.due_date,
            doc_type: self.doc_type,
            currency: self.currency,
            tax_base: format_minor(self.tax_base_minor, exp),
            vat: format_minor(self.vat_minor, exp),
            total: format_minor(self.total_minor, exp),
            downloaded_at: self.last_downloaded_at,
            state: self.state,
            payment_status: status.payment_status,
            overdue: status.overdue,
        }
    }
}

/// A grid row's derived columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowStatus {
    /// A payable type with payment columns (cancelled or not): `paid` and `remaining` are
    /// shown.
    pub payable: bool,
    /// Unpaid, partially paid or paid; `None` when not payable or cancelled.
    pub payment_status: Option<portal_types::PaymentStatus>,
    /// Payable, something remains and the due date has passed.
    pub overdue: bool,
}

/// The currency's exponent; 2 for codes we do not know (they were validated on the way in).
pub fn exponent(code: &str) -> u32 {
    Currency::from_code(code).map_or(2, |c| c.exponent())
}

fn amount_column(column: AmountColumn) -> &'static str {
    match column {
        AmountColumn::TaxBase => "d.tax_base_minor",
        AmountColumn::Vat => "d.vat_minor",
        AmountColumn::Total => "d.total_minor",
        AmountColumn::Paid => "d.paid_minor",
        AmountColumn::Remaining => "d.remaining_minor",
    }
}

/// `column` scaled to 10^-4 units. When the filter pins currencies of one exponent this is a
/// plain multiplication; otherwise the exponent is looked up per row.
fn scaled_amount(column: &str, currencies: &[Currency]) -> String {
    let exps: Vec<u32> = currencies.iter().map(|c| c.exponent()).collect();
    if let Some(first) = exps.first()
        && exps.iter().all(|e| e == first)
    {
        return format!("({column} * {})", 10i64.pow(AMOUNT_SCALE - first));
    }
    let mut expr = String::from("(CASE");
    for (exp, codes) in codes_by_exponent() {
        expr.push_str(&format!(
            " WHEN d.currency IN ({codes}) THEN {column} * {}",
            10i64.pow(AMOUNT_SCALE - exp)
        ));
    }
    expr.push_str(&format!(" ELSE {column} * 100 END)"));
    expr
}

/// The currencies whose exponent is not 2, grouped by exponent as SQL lists
/// (`[(0, "'BIF','CLP',…"), (3, …), (4, …)]`), from the domain's ISO 4217 table.
fn codes_by_exponent() -> &'static [(u32, String)] {
    static GROUPS: std::sync::OnceLock<Vec<(u32, String)>> = std::sync::OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut groups: std::collections::BTreeMap<u32, Vec<String>> = Default::default();
        for (code, exp) in portal_domain::money::non_two_exponents() {
            groups.entry(exp).or_default().push(format!("'{code}'"));
        }
        groups
            .into_iter()
            .map(|(exp, codes)| (exp, codes.join(",")))
            .collect()
    })
}

/// Appends the grid's filters (everything except the scope).
pub(crate) fn apply_filters(sql: &mut Sql, q: &DocumentQuery, today: NaiveDate) {
    // The issuer's grid only (the portal's parser never fills these).
    if !q.contractors.is_empty() {
        sql.push(" AND d.contractor_id IN ")
            .bind_list(q.contractors.iter().copied());
    }
    if !q.states.is_empty() {
        sql.push(" AND d.state IN ")
            .bind_list(q.states.iter().map(|s| s.as_str()));
    }
    match q.viewed {
        Some(true) => {
            sql.push(" AND d.first_viewed_at IS NOT NULL");
        }
        Some(false) => {
            sql.push(" AND d.first_viewed_at IS NULL");
        }
        None => {}
    }
    match q.sent {
        Some(true) => {
            sql.push(" AND d.sent_at IS NOT NULL");
        }
        Some(false) => {
            sql.push(" AND d.sent_at IS NULL");
        }
        None => {}
    }
    // The side of the document's last comment (a document's comments: index `comments_document`).
    const LAST_SIDE: &str =
        "(SELECT c.side FROM comments c WHERE c.document_id = d.id ORDER BY c.id DESC LIMIT 1)";
    match q.unanswered {
        Some(true) => {
            sql.push(" AND ").push(LAST_SIDE).push(" = 'customer'");
        }
        Some(false) => {
            sql.push(" AND COALESCE(")
                .push(LAST_SIDE)
                .push(", '') <> 'customer'");
        }
        None => {}
    }
    if let Some(number) = &q.number {
        sql.push(" AND d.number_folded LIKE ")
            .bind(like_pattern(number))
            .push(" ESCAPE '\\'");
    }
    if let Some(text) = &q.text {
        sql.push(" AND d.search_text LIKE ")
            .bind(like_pattern(text))
            .push(" ESCAPE '\\'");
    }
    push_types_and_currencies(sql, q);
    for (value, op, col) in [
        (q.date_from, ">=", "d.issue_date"),
        (q.date_to, "<=", "d.issue_date"),
        (q.due_from, ">=", "d.due_date"),
        (q.due_to, "<=", "d.due_date"),
    ] {
        if let Some(date) = value {
            sql.push(&format!(" AND {col} {op} ")).bind(date);
        }
    }
    for bound in &q.amounts {
        let column = amount_column(bound.column);
        let op = if bound.lower { ">=" } else { "<=" };
        if bound.scaled == 0 {
            // Zero is zero in every exponent: compare the column itself, which indexes serve.
            sql.push(&format!(" AND {column} {op} 0"));
        } else {
            sql.push(&format!(
                " AND {} {op} ",
                scaled_amount(column, &q.currencies)
            ))
            .bind(bound.scaled);
        }
    }
    if !q.statuses.is_empty() {
        sql.push(&format!(" AND {SUMMABLE} AND ("));
        for (i, status) in q.statuses.iter().enumerate() {
            if i > 0 {
                sql.push(" OR ");
            }
            match status {
                StatusFilter::Paid => sql.push("d.remaining_minor = 0"),
                StatusFilter::Unpaid => sql.push("(d.remaining_minor <> 0 AND d.paid_minor = 0)"),
                StatusFilter::PartiallyPaid => {
                    sql.push("(d.remaining_minor <> 0 AND d.paid_minor <> 0)")
                }
                StatusFilter::Open => sql.push("d.remaining_minor <> 0"),
                StatusFilter::Overdue => sql
                    .push("(d.remaining_minor > 0 AND d.due_date < ")
                    .bind(today)
                    .push(")"),
            };
        }
        sql.push(")");
    }
    match q.downloaded {
        Some(true) => {
            sql.push(" AND d.last_downloaded_at IS NOT NULL");
        }
        Some(false) => {
            sql.push(" AND d.last_downloaded_at IS NULL");
        }
        None => {}
    }
    if let Some(from) = q.downloaded_from {
        sql.push(" AND d.last_downloaded_at >= ")
            .bind(start_of(from));
    }
    if let Some(to) = q.downloaded_to
        && let Some(next) = to.succ_opt()
    {
        sql.push(" AND d.last_downloaded_at < ")
            .bind(start_of(next));
    }
}

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc()
}

/// `%text%` with LIKE's wildcards escaped.
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Appends the SQL expression a sort column orders by.
fn push_sort_expression(sql: &mut Sql, column: SortColumn, today: NaiveDate) {
    let plain = match column {
        SortColumn::Number => "d.number",
        SortColumn::Date => "d.issue_date",
        SortColumn::DueDate => "d.due_date",
        SortColumn::Type => "d.doc_type",
        SortColumn::Currency => "d.currency",
        SortColumn::TaxBase => "d.tax_base_minor",
        SortColumn::Vat => "d.vat_minor",
        SortColumn::Total => "d.total_minor",
        SortColumn::Paid => "d.paid_minor",
        SortColumn::Remaining => "d.remaining_minor",
        SortColumn::DownloadedAt => "d.last_downloaded_at",
        SortColumn::State => "d.state",
        // The issuer's grid joins the contractor as `c`.
        SortColumn::Contractor => "c.name",
        SortColumn::ViewedAt => "d.first_viewed_at",
        // unpaid, partially paid, paid; not payable or cancelled last
        SortColumn::PaymentStatus => {
            "(CASE WHEN d.paid_minor IS NULL OR d.state = 'cancelled' THEN NULL \
             WHEN d.remaining_minor <> 0 AND d.paid_minor = 0 THEN 0 \
             WHEN d.remaining_minor <> 0 THEN 1 ELSE 2 END)"
        }
        SortColumn::Overdue => {
            sql.push(&format!(
                "(CASE WHEN {SUMMABLE} AND d.remaining_minor > 0 AND d.due_date < "
            ))
            .bind(today)
            .push(" THEN 1 ELSE 0 END)");
            return;
        }
    };
    sql.push(plain);
}

/// The type and currency filters (columns the running totals have too).
fn push_types_and_currencies(sql: &mut Sql, q: &DocumentQuery) {
    if !q.types.is_empty() {
        sql.push(" AND d.doc_type IN ")
            .bind_list(q.types.iter().map(|t| t.as_str()));
    }
    if !q.currencies.is_empty() {
        sql.push(" AND d.currency IN ")
            .bind_list(q.currencies.iter().map(|c| c.code().to_string()));
    }
}

/// Whether the running totals (`contractor_totals`) answer the grid's count and sums: when no
/// filter but the status (quick) filters, types and currencies is set. (Spelled out field by
/// field, so that a new filter does not compile until it is decided here.)
pub fn totals_answer(q: &DocumentQuery) -> bool {
    let DocumentQuery {
        number,
        types: _,
        currencies: _,
        date_from,
        date_to,
        due_from,
        due_to,
        amounts,
        statuses: _,
        downloaded,
        downloaded_from,
        downloaded_to,
        text,
        contractors,
        states,
        viewed,
        sent,
        unanswered,
        sort: _,
        page: _,
        per_page: _,
    } = q;
    // Overdue is read as the `dued` totals less the dues still ahead; or-ed with another
    // status, the two would overlap.
    let overdue_alone = !q.statuses.contains(&StatusFilter::Overdue) || q.statuses.len() == 1;
    overdue_alone
        && number.is_none()
        && date_from.is_none()
        && date_to.is_none()
        && due_from.is_none()
        && due_to.is_none()
        && amounts.is_empty()
        && downloaded.is_none()
        && downloaded_from.is_none()
        && downloaded_to.is_none()
        && text.is_none()
        && contractors.is_empty()
        && states.is_empty()
        && viewed.is_none()
        && sent.is_none()
        && unanswered.is_none()
}

/// What the grid sums, over the running totals (their `d.bucket` and `d.state`).
const TOTALS_SUMMABLE: &str = "d.bucket <> 'none' AND d.state <> 'cancelled'";

/// The status filters but overdue over the running totals (their `d.bucket`): the same sets as
/// [`apply_filters`]'. Overdue, alone, is [`push_totals_rows`]' `dued` rows less the dues
/// still ahead.
fn push_totals_statuses(sql: &mut Sql, q: &DocumentQuery) {
    if q.statuses.is_empty() {
        return;
    }
    sql.push(&format!(" AND {TOTALS_SUMMABLE} AND ("));
    for (i, status) in q.statuses.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        sql.push(match status {
            StatusFilter::Paid => "d.bucket = 'paid'",
            StatusFilter::Unpaid => "d.bucket = 'unpaid'",
            StatusFilter::PartiallyPaid => "d.bucket = 'partial'",
            StatusFilter::Open => "d.bucket IN ('unpaid', 'partial')",
            StatusFilter::Overdue => "d.dued = 1",
        });
    }
    sql.push(")");
}

/// ` FROM (…) d`: the customer's running totals that `q` selects, as rows of `part` (0),
/// `currency`, `bucket`, `state`, `dued` and the sums — and for overdue alone, the dues not yet
/// past (`due_date >= today`) with their signs turned (`part` 1), so that the sums over both
/// are what is overdue.
fn push_totals_rows(
    sql: &mut Sql,
    scope: &PortalScope,
    q: &DocumentQuery,
    today: NaiveDate,
    subtract_ahead: bool,
) {
    const SUMS: &str = "n, tax_base_minor, vat_minor, total_minor, paid_minor, remaining_minor";
    sql.push(&format!(
        " FROM (SELECT 0 AS part, d.currency, d.bucket, d.state, d.dued, {SUMS} FROM contractor_totals d"
    ));
    scope.restrict(sql);
    push_types_and_currencies(sql, q);
    push_totals_statuses(sql, q);
    if subtract_ahead {
        sql.push(
            " UNION ALL SELECT 1, d.currency, d.bucket, d.state, 1, -n, -tax_base_minor, \
             -vat_minor, -total_minor, -paid_minor, -remaining_minor FROM contractor_dues d",
        );
        scope.restrict(sql);
        push_types_and_currencies(sql, q);
        sql.push(&format!(" AND {TOTALS_SUMMABLE} AND d.due_date >= "))
            .bind(today);
    }
    sql.push(") d");
}

/// Appends `ORDER BY`: the requested keys with NULLs last, then id in the direction of the last
/// key (so the default `-date` walks the `(…, issue_date, id)` index backwards).
pub(crate) fn apply_sort(sql: &mut Sql, q: &DocumentQuery, today: NaiveDate) {
    sql.push(" ORDER BY ");
    for key in &q.sort {
        push_sort_expression(sql, key.column, today);
        sql.push(if key.descending { " DESC" } else { " ASC" });
        // NULLs last in both directions — said only where a column can be NULL, because an
        // explicit NULLS LAST on a NOT NULL column stops PostgreSQL from reading the index
        // backwards for DESC.
        let nullable = matches!(
            key.column,
            SortColumn::DueDate
                | SortColumn::Paid
                | SortColumn::Remaining
                | SortColumn::DownloadedAt
                | SortColumn::ViewedAt
                | SortColumn::PaymentStatus
        );
        sql.push(if nullable { " NULLS LAST, " } else { ", " });
    }
    let last_desc = q.sort.last().is_some_and(|k| k.descending);
    sql.push(if last_desc { "d.id DESC" } else { "d.id ASC" });
}

/// The documents whose amounts count toward what is owed, in SQL: payable ones (the writer
/// gives exactly those payment columns, from `portal_domain::document::is_payable`) that are not
/// cancelled (`counts_in_sums`).
pub(crate) const SUMMABLE: &str = "d.paid_minor IS NOT NULL AND d.state <> 'cancelled'";

/// One page of the grid: rows, total count and per-currency sums.
pub struct GridPage {
    /// The page's rows, in page order.
    pub rows: Vec<DocumentRecord>,
    /// Matching documents over all pages.
    pub total: u64,
    /// Footer sums.
    pub sums: Vec<CurrencySums>,
}

/// One row of the grid statement: a page row (`part` 0, in page order `ord`) or the count and
/// sums of one currency (`part` 1).
#[derive(Debug)]
enum GridRecord {
    Row {
        ord: i64,
        record: DocumentRecord,
    },
    Sums {
        currency: String,
        tax_base_minor: Option<i64>,
        vat_minor: Option<i64>,
        total_minor: Option<i64>,
        paid_minor: Option<i64>,
        remaining_minor: Option<i64>,
        matched: i64,
        summed: i64,
    },
}

impl GridRecord {
    /// Reads a row of [`grid_sql`]'s statement by position.
    fn read(row: &dyn Columns) -> Result<GridRecord, StoreError> {
        let part = required(0, row.int(0)?)?;
        if part == 0 {
            return Ok(GridRecord::Row {
                ord: required(1, row.int(1)?)?,
                record: DocumentRecord::read(row, 2)?,
            });
        }
        Ok(GridRecord::Sums {
            currency: required(7, row.text(7)?)?.into_owned(),
            tax_base_minor: row.int(8)?,
            vat_minor: row.int(9)?,
            total_minor: row.int(10)?,
            paid_minor: row.int(11)?,
            remaining_minor: row.int(12)?,
            matched: required(15, row.int(15)?)?,
            summed: required(16, row.int(16)?)?,
        })
    }
}

/// The page's rows: scope, filters, sort, LIMIT/OFFSET.
pub fn page_sql(scope: &PortalScope, q: &DocumentQuery, today: NaiveDate) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {RECORD_COLUMNS} FROM documents d"));
    push_page_ids(&mut sql, scope, q, today);
    apply_sort(&mut sql, q, today);
    sql
}

/// ` WHERE d.id IN (…the page's ids…)`. Finding the ids first, then reading their rows, means
/// walking to a deep page touches only the index (the partial grid indexes cover scope,
/// visibility, sort key and id); the table is read for the page's rows alone.
fn push_page_ids(sql: &mut Sql, scope: &PortalScope, q: &DocumentQuery, today: NaiveDate) {
    sql.push(" WHERE d.id IN (SELECT d.id FROM documents d");
    scope.restrict(sql);
    apply_filters(sql, q, today);
    apply_sort(sql, q, today);
    let offset = i64::from(q.page - 1) * i64::from(q.per_page);
    sql.push(" LIMIT ")
        .bind(i64::from(q.per_page))
        .push(" OFFSET ")
        .bind(offset)
        .push(")");
}

/// The whole grid in one statement, so that a request costs one round trip to the database:
/// the page's rows, numbered in page order, then per currency the count and the sums of the
/// whole filtered set (cancelled and non-payable documents are counted but not summed). The
/// two halves are planned independently: the page walks an index to its rows, the sums scan
/// the covering index.
pub fn grid_sql(scope: &PortalScope, q: &DocumentQuery, today: NaiveDate) -> Sql {
    let mut sql = Sql::new("SELECT CAST(0 AS BIGINT) AS part, ROW_NUMBER() OVER (");
    // the window's ORDER BY is the page's, so `ord` is the row's place on the page
    apply_sort(&mut sql, q, today);
    sql.push(&format!(
        ") AS ord, {RECORD_COLUMNS}, NULL AS matched, NULL AS summed FROM documents d"
    ));
    push_page_ids(&mut sql, scope, q, today);
    if totals_answer(q) {
        push_totals_sums(&mut sql, scope, q, today);
        return sql;
    }
    let summable = SUMMABLE;
    let sum = |column: &str| format!("CAST(SUM(d.{column}) FILTER (WHERE {summable}) AS BIGINT)");
    sql.push(&format!(
        " UNION ALL SELECT 1, 0, NULL, NULL, NULL, NULL, NULL, d.currency, {}, {}, {}, {}, {}, \
         NULL, NULL, COUNT(*), COUNT(*) FILTER (WHERE {summable}) FROM documents d",
        sum("tax_base_minor"),
        sum("vat_minor"),
        sum("total_minor"),
        sum("paid_minor"),
        sum("remaining_minor"),
    ));
    scope.restrict(&mut sql);
    apply_filters(&mut sql, q, today);
    sql.push(" GROUP BY d.currency");
    sql
}

/// The sums half of [`grid_sql`] read from the running totals: a few rows per currency however
/// many documents the customer has.
fn push_totals_sums(sql: &mut Sql, scope: &PortalScope, q: &DocumentQuery, today: NaiveDate) {
    let summable = TOTALS_SUMMABLE;
    let sum = |column: &str| format!("CAST(SUM(d.{column}) FILTER (WHERE {summable}) AS BIGINT)");
    sql.push(&format!(
        " UNION ALL SELECT 1, 0, NULL, NULL, NULL, NULL, NULL, d.currency, {}, {}, {}, {}, {}, \
         NULL, NULL, CAST(SUM(d.n) AS BIGINT), \
         CAST(COALESCE(SUM(d.n) FILTER (WHERE {summable}), 0) AS BIGINT)",
        sum("tax_base_minor"),
        sum("vat_minor"),
        sum("total_minor"),
        sum("paid_minor"),
        sum("remaining_minor"),
    ));
    push_totals_rows(sql, scope, q, today, q.statuses == [StatusFilter::Overdue]);
    sql.push(" GROUP BY d.currency");
}

/// Runs the grid statement through the hot readers.
pub async fn grid(
    db: &impl ConnectionTrait,
    reads: &HotReads,
    scope: &PortalScope,
    q: &DocumentQuery,
    today: NaiveDate,
) -> Result<GridPage, StoreError> {
    let sql = grid_sql(scope, q, today);
    let records = reads.query(db, &sql, GridRecord::read).await?;
    let mut page = Vec::with_capacity(records.len());
    let mut sums = Vec::new();
    let mut total = 0u64;
    for record in records {
        match record {
            GridRecord::Row { ord, record } => page.push((ord, record)),
            GridRecord::Sums {
                currency,
                tax_base_minor,
                vat_minor,
                total_minor,
                paid_minor,
                remaining_minor,
                matched,
                summed,
            } => {
                total += u64::try_from(matched).unwrap_or(0);
                // a currency whose documents are all cancelled or not payable has no sums
                if summed > 0 {
                    let exp = exponent(&currency);
                    let f = |v: Option<i64>| format_minor(v.unwrap_or(0), exp);
                    sums.push(CurrencySums {
                        count: u64::try_from(summed).unwrap_or(0),
                        tax_base: f(tax_base_minor),
                        vat: f(vat_minor),
                        total: f(total_minor),
                        paid: f(paid_minor),
                        remaining: f(remaining_minor),
                        currency,
                    });
                }
            }
        }
    }
    page.sort_by_key(|(ord, _)| *ord);
    sums.sort_by(|a, b| a.currency.cmp(&b.currency));
    let rows = page.into_iter().map(|(_, record)| record).collect();
    Ok(GridPage { rows, total, sums })
}

/// One visible document, or `None` — for another customer's id just as for a missing one.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    scope: &PortalScope,
    id: i64,
) -> Result<Option<crate::entities::document::Model>, StoreError> {
    use crate::entities::document;
    use sea_orm::{ColumnTrait, QueryFilter};
    Ok(document::Entity::find_by_id(id)
        .filter(document::Column::OrganizationId.eq(scope.organization_id))
        .filter(document::Column::ContractorId.eq(scope.contractor_id))
        .filter(document::Column::State.ne("draft"))
        .filter(document::Column::DocType.is_in(scope.types.iter().map(|t| t.as_str())))
        .one(db)
        .await?)
}

/// The document `doc` refers to (a credit note's invoice), if it is an issued document of the
/// same customer: its number is printed on `doc` even when its type is not released to the
/// portal, but never another customer's number, nor a draft's.
pub async fn related_of(
    db: &impl ConnectionTrait,
    doc: &crate::entities::document::Model,
) -> Result<Option<crate::entities::document::Model>, StoreError> {
    let Some(id) = doc.related_document_id else {
        return Ok(None);
    };
    Ok(crate::entities::document::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|r| {
            r.organization_id == doc.organization_id
                && r.contractor_id == doc.contractor_id
                && r.state != "draft"
        }))
}

/// The grid record of an entity row.
pub fn record_of(m: &crate::entities::document::Model) -> Result<DocumentRecord, StoreError> {
    Ok(DocumentRecord {
        id: m.id,
        number: m.number.clone(),
        doc_type: DocumentType::parse(&m.doc_type)
            .ok_or_else(|| StoreError::internal(format!("bad doc_type {}", m.doc_type)))?,
        issue_date: m.issue_date,
        due_date: m.due_date,
        currency: m.currency.clone(),
        tax_base_minor: m.tax_base_minor,
        vat_minor: m.vat_minor,
        total_minor: m.total_minor,
        paid_minor: m.paid_minor,
        remaining_minor: m.remaining_minor,
        state: DocumentState::parse(&m.state)
            .ok_or_else(|| StoreError::internal(format!("bad state {}", m.state)))?,
        last_downloaded_at: m.last_downloaded_at,
    })
}

/// Sets `first_viewed_at` if this is the first view; true when it was.
pub async fn mark_viewed(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut sql = Sql::new("UPDATE documents SET first_viewed_at = ");
    sql.bind(now)
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND first_viewed_at IS NULL");
    Ok(db.execute_raw(sql.statement(db)).await?.rows_affected() == 1)
}

/// Records a download: first and last download time (and first view, as a download is one).
pub async fn mark_downloaded(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let mut sql = Sql::new("UPDATE documents SET last_downloaded_at = ");
    sql.bind(now)
        .push(", first_downloaded_at = COALESCE(first_downloaded_at, ")
        .bind(now)
        .push("), first_viewed_at = COALESCE(first_viewed_at, ")
        .bind(now)
        .push(") WHERE id = ")
        .bind(id);
    db.execute_raw(sql.statement(db)).await?;
    Ok(())
}

#[derive(Debug, FromQueryResult)]
struct OpenRecord {
    currency: String,
    open: Option<i64>,
    open_count: i64,
    overdue: Option<i64>,
    overdue_count: i64,
}

#[derive(Debug, FromQueryResult)]
struct PaidRecord {
    currency: String,
    paid: Option<i64>,
}

#[derive(Debug, FromQueryResult)]
struct TypeRecord {
    doc_type: String,
    n: i64,
}

/// The summary page: open and overdue per currency, payments of the last twelve months,
/// counts by type and the five most recent documents.
pub async fn summary(
    db: &impl ConnectionTrait,
    scope: &PortalScope,
    today: NaiveDate,
) -> Result<portal_types::PortalSummary, StoreError> {
    let summable = SUMMABLE;
    // Open and overdue, and the counts by type, from the running totals.
    let mut open = Sql::new(
        "SELECT d.currency AS currency, \
         CAST(SUM(d.remaining_minor) FILTER (WHERE d.part = 0 AND d.bucket IN ('unpaid', 'partial')) AS BIGINT) AS open, \
         CAST(COALESCE(SUM(d.n) FILTER (WHERE d.part = 0 AND d.bucket IN ('unpaid', 'partial')), 0) AS BIGINT) AS open_count, \
         CAST(SUM(d.remaining_minor) FILTER (WHERE d.dued = 1) AS BIGINT) AS overdue, \
         CAST(COALESCE(SUM(d.n) FILTER (WHERE d.dued = 1), 0) AS BIGINT) AS overdue_count",
    );
    // Everything summable, and the dues ahead taken away from the `dued` part: what remains
    // of `dued` is overdue.
    let summable_only = DocumentQuery {
        statuses: vec![
            StatusFilter::Paid,
            StatusFilter::Unpaid,
            StatusFilter::PartiallyPaid,
        ],
        ..DocumentQuery::default()
    };
    push_totals_rows(&mut open, scope, &summable_only, today, true);
    open.push(" GROUP BY d.currency ORDER BY d.currency");
    let year_ago = today
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(today);
    let mut paid = Sql::new(
        "SELECT d.currency AS currency, CAST(SUM(p.amount_minor) AS BIGINT) AS paid \
         FROM payments p JOIN documents d ON d.id = p.document_id",
    );
    scope.restrict(&mut paid);
    paid.push(&format!(" AND {summable} AND p.paid_on > "))
        .bind(year_ago);
    paid.push(" GROUP BY d.currency");

    let mut types = Sql::new(
        "SELECT d.doc_type AS doc_type, CAST(SUM(d.n) AS BIGINT) AS n FROM contractor_totals d",
    );
    scope.restrict(&mut types);
    types.push(" GROUP BY d.doc_type");

    let recent_query = DocumentQuery {
        per_page: 5,
        ..DocumentQuery::default()
    };
    let recent = page_sql(scope, &recent_query, today);

    let open = OpenRecord::find_by_statement(open.statement(db))
        .all(db)
        .await?;
    let paid = PaidRecord::find_by_statement(paid.statement(db))
        .all(db)
        .await?;
    let types = TypeRecord::find_by_statement(types.statement(db))
        .all(db)
        .await?;
    let recent = db
        .query_all_raw(recent.statement(db))
        .await?
        .iter()
        .map(|row| DocumentRecord::read(row, 0))
        .collect::<Result<Vec<_>, _>>()?;

    let mut currencies: Vec<String> = open
        .iter()
        .map(|o| o.currency.clone())
        .chain(paid.iter().map(|p| p.currency.clone()))
        .collect();
    currencies.sort();
    currencies.dedup();
    let currencies = currencies
        .into_iter()
        .map(|code| {
            let exp = exponent(&code);
            let o = open.iter().find(|o| o.currency == code);
            let p = paid.iter().find(|p| p.currency == code);
            portal_types::CurrencySummary {
                open: format_minor(o.and_then(|o| o.open).unwrap_or(0), exp),
                open_count: o.map_or(0, |o| u64::try_from(o.open_count).unwrap_or(0)),
                overdue: format_minor(o.and_then(|o| o.overdue).unwrap_or(0), exp),
                overdue_count: o.map_or(0, |o| u64::try_from(o.overdue_count).unwrap_or(0)),
                paid_last_12_months: format_minor(p.and_then(|p| p.paid).unwrap_or(0), exp),
                currency: code,
            }
        })
        .collect();
    let counts = DocumentType::ALL
        .iter()
        .filter_map(|t| {
            let n = types.iter().find(|r| r.doc_type == t.as_str())?.n;
            Some(portal_types::TypeCount {
                doc_type: *t,
                count: u64::try_from(n).unwrap_or(0),
            })
        })
        .collect();
    let recent = recent.into_iter().map(|r| r.into_row(today)).collect();
    Ok(portal_types::PortalSummary {
        currencies,
        counts,
        recent,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_of_mixed_currencies_scale_by_each_currencys_iso_exponent() {
        let eur = Currency::from_code("EUR").expect("EUR");
        let jpy = Currency::from_code("JPY").expect("JPY");
        assert_eq!(
            scaled_amount("d.total_minor", &[eur]),
            "(d.total_minor * 100)"
        );
        assert_eq!(
            scaled_amount("d.total_minor", &[jpy]),
            "(d.total_minor * 10000)"
        );
        let mixed = scaled_amount("d.total_minor", &[eur, jpy]);
        for (code, exp) in portal_domain::money::non_two_exponents() {
            let factor = 10i64.pow(AMOUNT_SCALE - exp);
            let branch = mixed
                .split(" WHEN ")
                .find(|b| b.contains(&format!("'{code}'")))
                .unwrap_or_else(|| panic!("{code} missing from {mixed}"));
            let branch = branch.split(" ELSE ").next().unwrap_or_default();
            assert!(
                branch.ends_with(&format!("THEN d.total_minor * {factor}")),
                "{branch}"
            );
        }
        assert!(mixed.ends_with("ELSE d.total_minor * 100 END)"), "{mixed}");
    }
}

/// A customer's decision on an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The customer takes the offer.
    Accept,
    /// The customer turns it down.
    Reject,
}

impl Decision {
    /// The offer's state after it.
    pub fn state(self) -> &'static str {
        match self {
            Decision::Accept => "accepted",
            Decision::Reject => "rejected",
        }
    }
}

/// Records `decision` on the open offer `id`, valid on `today` (its due date is the last day):
/// one conditional statement, so of concurrent decisions exactly one changes the row. `false`
/// when the offer is not open any more (decided, cancelled, expired) or its validity has passed.
#[allow(clippy::too_many_arguments)]
pub async fn decide_offer(
    db: &impl ConnectionTrait,
    id: i64,
    decision: Decision,
    portal_user_id: i64,
    name: &str,
    reason: Option<&str>,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let result = db
        .execute_raw(crate::stmt(
            db,
            "UPDATE documents SET state = $1, decided_at = $2, decided_by_portal_user_id = $3,
                 decided_by_name = $4, decision_reason = $5, version = version + 1, updated_at = $2
             WHERE id = $6 AND doc_type = 'offer' AND state = 'issued'
               AND (due_date IS NULL OR due_date >= $7)",
            vec![
                decision.state().into(),
                now.into(),
                portal_user_id.into(),
                name.to_string().into(),
                reason.map(str::to_string).into(),
                id.into(),
                today.into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Marks the open offer `id` expired when its validity ended before `today`; `true` if it did.
pub async fn expire_offer(
    db: &impl ConnectionTrait,
    id: i64,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, StoreError> {
    let result = db
        .execute_raw(crate::stmt(
            db,
            "UPDATE documents SET state = 'expired', version = version + 1, updated_at = $1
             WHERE id = $2 AND doc_type = 'offer' AND state = 'issued' AND due_date < $3",
            vec![now.into(), id.into(), today.into()],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// The decision recorded on an offer, for both sides' document views.
pub fn decision_of(doc: &crate::entities::document::Model) -> Option<portal_types::OfferDecision> {
    Some(portal_types::OfferDecision {
        state: DocumentState::parse(&doc.state)
            .filter(|s| matches!(s, DocumentState::Accepted | DocumentState::Rejected))?,
        decided_at: doc.decided_at?,
        decided_by: doc.decided_by_name.clone().unwrap_or_default(),
        reason: doc.decision_reason.clone(),
    })
}
