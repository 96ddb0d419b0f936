//! The organisation's documents as its staff writes them: the one writer of a document's
//! derived columns (totals from the lines, the folded number and search text, paid and
//! remaining), gap-free numbering, payments kept in step with the document.

use chrono::{DateTime, NaiveDate, Utc};
use portal_domain::document::{LineInput, is_payable, line_net, search_text, totals, vat_on};
use portal_domain::filter::fold;
use portal_types::DocumentType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, ModelTrait, QueryFilter,
    QueryOrder, Set,
};

use super::IssuerScope;
use crate::entities::{document, document_line, payment};
use crate::{StoreError, stmt};

/// One line as entered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineRow {
    /// What is sold.
    pub description: String,
    /// Unit of measure.
    pub unit: String,
    /// Quantity, price, discount and VAT rate.
    pub input: LineInput,
}

/// What a draft says; everything else is derived from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Content {
    /// The contractor (of the same organisation: the caller checked).
    pub contractor_id: i64,
    /// Kind of document.
    pub doc_type: DocumentType,
    /// ISO 4217 code.
    pub currency: String,
    /// Date of issue.
    pub issue_date: NaiveDate,
    /// Due date.
    pub due_date: Option<NaiveDate>,
    /// Notes.
    pub notes: Option<String>,
    /// The related document (the caller checked it is an issued one of the same contractor).
    pub related_document_id: Option<i64>,
    /// The lines.
    pub lines: Vec<LineRow>,
}

/// A draft's placeholder number: drafts get their number when issued, but the column is
/// unique per organisation and type.
fn draft_number() -> String {
    format!("draft-{}", uuid::Uuid::new_v4().simple())
}

/// Sets the columns `content` decides on `model`: amounts from the lines, and the search text.
fn apply(model: &mut document::ActiveModel, content: &Content, number: &str) {
    let inputs: Vec<LineInput> = content.lines.iter().map(|l| l.input.clone()).collect();
    let t = totals(&inputs);
    let descriptions: Vec<&str> = content
        .lines
        .iter()
        .map(|l| l.description.as_str())
        .collect();
    model.contractor_id = Set(content.contractor_id);
    model.doc_type = Set(content.doc_type.as_str().to_string());
    model.currency = Set(content.currency.clone());
    model.issue_date = Set(content.issue_date);
    model.due_date = Set(content.due_date);
    model.notes = Set(content.notes.clone());
    model.related_document_id = Set(content.related_document_id);
    model.tax_base_minor = Set(t.tax_base);
    model.vat_minor = Set(t.vat);
    model.total_minor = Set(t.total);
    model.search_text = Set(search_text(
        if number.starts_with("draft-") {
            ""
        } else {
            number
        },
        &descriptions,
    ));
}

async fn insert_lines(
    db: &impl ConnectionTrait,
    document_id: i64,
    lines: &[LineRow],
) -> Result<(), StoreError> {
    for (i, line) in lines.iter().enumerate() {
        let net = line_net(&line.input);
        document_line::ActiveModel {
            document_id: Set(document_id),
            position: Set(i32::try_from(i + 1).map_err(StoreError::internal)?),
            description: Set(line.description.clone()),
            quantity_milli: Set(line.input.quantity_milli),
            unit: Set(line.unit.clone()),
            unit_price_minor: Set(line.input.unit_price_minor),
            discount_bp: Set(line.input.discount_bp),
            vat_rate_bp: Set(line.input.vat_rate_bp),
            net_minor: Set(net),
            vat_minor: Set(vat_on(net, line.input.vat_rate_bp)),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Inserts a draft with its lines.
pub async fn insert_draft(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    content: &Content,
    now: DateTime<Utc>,
) -> Result<document::Model, StoreError> {
    let number = draft_number();
    let mut model = document::ActiveModel {
        organization_id: Set(scope.organization_id()),
        number: Set(number.clone()),
        number_folded: Set(String::new()),
        paid_minor: Set(None),
        remaining_minor: Set(None),
        state: Set("draft".to_string()),
        first_viewed_at: Set(None),
        first_downloaded_at: Set(None),
        last_downloaded_at: Set(None),
        sent_at: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut model, content, &number);
    let doc = model.insert(db).await?;
    insert_lines(db, doc.id, &content.lines).await?;
    Ok(doc)
}

/// Replaces a draft's content and lines.
pub async fn replace_draft(
    db: &impl ConnectionTrait,
    doc: document::Model,
    content: &Content,
    now: DateTime<Utc>,
) -> Result<document::Model, StoreError> {
    document_line::Entity::delete_many()
        .filter(document_line::Column::DocumentId.eq(doc.id))
        .exec(db)
        .await?;
    let number = doc.number.clone();
    let version = doc.version;
    let mut model: document::ActiveModel = doc.into();
    apply(&mut model, content, &number);
    model.version = Set(version + 1);
    model.updated_at = Set(now);
    let doc = model.update(db).await?;
    insert_lines(db, doc.id, &content.lines).await?;
    Ok(doc)
}

/// One document of the organisation, drafts included.
pub async fn find(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    id: i64,
) -> Result<Option<document::Model>, StoreError> {
    Ok(document::Entity::find_by_id(id)
        .filter(document::Column::OrganizationId.eq(scope.organization_id()))
        .one(db)
        .await?)
}

/// A document's lines, in order.
pub async fn lines(
    db: &impl ConnectionTrait,
    document_id: i64,
) -> Result<Vec<document_line::Model>, StoreError> {
    Ok(document_line::Entity::find()
        .filter(document_line::Column::DocumentId.eq(document_id))
        .order_by_asc(document_line::Column::Position)
        .all(db)
        .await?)
}

/// The content of a stored document (to copy it into a credit note, say).
pub fn content_of(
    doc: &document::Model,
    lines: &[document_line::Model],
) -> Result<Content, StoreError> {
    Ok(Content {
        contractor_id: doc.contractor_id,
        doc_type: DocumentType::parse(&doc.doc_type).ok_or_else(|| {
            StoreError::internal(format!("unknown document type {}", doc.doc_type))
        })?,
        currency: doc.currency.clone(),
        issue_date: doc.issue_date,
        due_date: doc.due_date,
        notes: doc.notes.clone(),
        related_document_id: doc.related_document_id,
        lines: lines
            .iter()
            .map(|l| LineRow {
                description: l.description.clone(),
                unit: l.unit.clone(),
                input: LineInput {
                    quantity_milli: l.quantity_milli,
                    unit_price_minor: l.unit_price_minor,
                    discount_bp: l.discount_bp,
                    vat_rate_bp: l.vat_rate_bp,
                },
            })
            .collect(),
    })
}

/// Deletes a draft (its lines go with it).
pub async fn delete(db: &impl ConnectionTrait, doc: document::Model) -> Result<(), StoreError> {
    doc.delete(db).await?;
    Ok(())
}

/// Issues a draft under `number`: it leaves the draft state, payable kinds owe their total,
/// and the issuer and customer as printed now are stored with it (a later change of either
/// never changes the issued document). `false` when it was no longer a draft (another request
/// issued or deleted it).
pub async fn issue(
    db: &impl ConnectionTrait,
    doc: &document::Model,
    number: &str,
    parties: &super::profile::IssuedParties,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let doc_type = DocumentType::parse(&doc.doc_type)
        .ok_or_else(|| StoreError::internal(format!("unknown document type {}", doc.doc_type)))?;
    let descriptions: Vec<String> = lines(db, doc.id)
        .await?
        .into_iter()
        .map(|l| l.description)
        .collect();
    let descriptions: Vec<&str> = descriptions.iter().map(String::as_str).collect();
    let (paid, remaining) = if is_payable(doc_type) {
        (Some(0i64), Some(doc.total_minor))
    } else {
        (None, None)
    };
    let parties = serde_json::to_string(parties).map_err(StoreError::internal)?;
    let result = db
        .execute_raw(stmt(
            db,
            "UPDATE documents SET state = 'issued', number = $2, number_folded = $3, search_text = $4,
                paid_minor = $5, remaining_minor = $6, version = version + 1, updated_at = $7,
                issued_parties = $8
             WHERE id = $1 AND state = 'draft'",
            vec![
                doc.id.into(),
                number.into(),
                fold(number).into(),
                search_text(number, &descriptions).into(),
                paid.into(),
                remaining.into(),
                now.into(),
                parties.into(),
            ],
        ))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Moves a document to `state` from one of `from`; `false` when it was in none of them.
pub async fn set_state(
    db: &impl ConnectionTrait,
    id: i64,
    from: &[&str],
    state: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut sql = crate::sql::Sql::new("UPDATE documents SET state = ");
    sql.bind(state.to_string())
        .push(", version = version + 1, updated_at = ")
        .bind(now)
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND state IN ")
        .bind_list(from.iter().map(|s| s.to_string()));
    Ok(db.execute_raw(sql.statement(db)).await?.rows_affected() == 1)
}

/// Adds `amount` (minor units, negative for a refund) to what was paid on a payable, issued
/// document, but only while it stays within the total: `false` when it would overpay (or the
/// document is not payable and issued). One statement, so concurrent payments cannot overpay
/// together.
pub async fn add_paid(
    db: &impl ConnectionTrait,
    id: i64,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let bound = if amount >= 0 {
        "remaining_minor >= $2"
    } else {
        "remaining_minor <= $2"
    };
    let sql = format!(
        "UPDATE documents SET paid_minor = paid_minor + $2, remaining_minor = remaining_minor - $2,
            version = version + 1, updated_at = $3
         WHERE id = $1 AND paid_minor IS NOT NULL AND state NOT IN ('draft', 'cancelled') AND {bound}"
    );
    let result = db
        .execute_raw(stmt(db, &sql, vec![id.into(), amount.into(), now.into()]))
        .await?;
    Ok(result.rows_affected() == 1)
}

/// Takes a removed payment's amount back off what was paid.
pub async fn remove_paid(
    db: &impl ConnectionTrait,
    id: i64,
    amount: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    db.execute_raw(stmt(
        db,
        "UPDATE documents SET paid_minor = paid_minor - $2, remaining_minor = remaining_minor + $2,
            version = version + 1, updated_at = $3
         WHERE id = $1 AND paid_minor IS NOT NULL",
        vec![id.into(), amount.into(), now.into()],
    ))
    .await?;
    Ok(())
}

/// A document's payments, oldest first.
pub async fn payments(
    db: &impl ConnectionTrait,
    document_id: i64,
) -> Result<Vec<payment::Model>, StoreError> {
    Ok(payment::Entity::find()
        .filter(payment::Column::DocumentId.eq(document_id))
        .order_by_asc(payment::Column::PaidOn)
        .order_by_asc(payment::Column::Id)
        .all(db)
        .await?)
}

/// One payment of the organisation.
pub async fn find_payment(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    id: i64,
) -> Result<Option<payment::Model>, StoreError> {
    Ok(payment::Entity::find_by_id(id)
        .filter(payment::Column::OrganizationId.eq(scope.organization_id()))
        .one(db)
        .await?)
}

/// One row of the issuer's grid: the document and its contractor's name.
#[derive(Debug, Clone)]
pub struct GridRow {
    /// The document.
    pub document: document::Model,
    /// Its contractor's name.
    pub contractor_name: String,
}

/// Count and sums of one currency over the filtered documents.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct CurrencyTotals {
    /// ISO 4217 code.
    pub currency: String,
    /// Matching documents.
    pub matched: i64,
    /// Of those, the ones summed (payable, issued, not cancelled).
    pub summed: i64,
    /// Sum of tax bases.
    pub tax_base: Option<i64>,
    /// Sum of VAT.
    pub vat: Option<i64>,
    /// Sum of totals.
    pub total: Option<i64>,
    /// Sum paid.
    pub paid: Option<i64>,
    /// Sum remaining.
    pub remaining: Option<i64>,
}

/// The issuer's grid: the portal's filters and sort keys over the whole organisation, drafts
/// included, plus contractor, state and "viewed"; a page of rows and the per-currency count and
/// sums of every match.
pub async fn grid(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    q: &portal_domain::filter::DocumentQuery,
    today: NaiveDate,
) -> Result<(Vec<GridRow>, Vec<CurrencyTotals>), StoreError> {
    use crate::portal::{SUMMABLE, apply_filters, apply_sort};
    use crate::sql::Sql;
    use sea_orm::FromQueryResult;

    let mut rows = Sql::new(
        "SELECT d.*, c.name AS contractor_name FROM documents d \
         JOIN contractors c ON c.id = d.contractor_id WHERE d.organization_id = ",
    );
    rows.bind(scope.organization_id());
    apply_filters(&mut rows, q, today);
    apply_sort(&mut rows, q, today);
    rows.push(" LIMIT ")
        .bind(i64::from(q.per_page))
        .push(" OFFSET ")
        .bind(i64::from(q.page - 1) * i64::from(q.per_page));
    let found = db.query_all_raw(rows.statement(db)).await?;
    let mut page = Vec::with_capacity(found.len());
    for row in &found {
        page.push(GridRow {
            document: document::Model::from_query_result(row, "")?,
            contractor_name: row.try_get("", "contractor_name")?,
        });
    }

    let sum = |column: &str| {
        format!(
            "CAST(SUM(d.{column}) FILTER (WHERE {SUMMABLE}) AS BIGINT) AS {}",
            column.trim_end_matches("_minor")
        )
    };
    let mut sums = Sql::new(&format!(
        "SELECT d.currency AS currency, COUNT(*) AS matched, COUNT(*) FILTER (WHERE {SUMMABLE}) AS summed, \
         {}, {}, {}, {}, {} FROM documents d JOIN contractors c ON c.id = d.contractor_id \
         WHERE d.organization_id = ",
        sum("tax_base_minor"),
        sum("vat_minor"),
        sum("total_minor"),
        sum("paid_minor"),
        sum("remaining_minor"),
    ));
    sums.bind(scope.organization_id());
    apply_filters(&mut sums, q, today);
    sums.push(" GROUP BY d.currency ORDER BY d.currency");
    let totals = CurrencyTotals::find_by_statement(sums.statement(db))
        .all(db)
        .await?;
    Ok((page, totals))
}

/// The organisation's documents among `ids` (any order; ids of other organisations are not
/// found).
pub async fn find_many(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    ids: &[i64],
) -> Result<Vec<document::Model>, StoreError> {
    Ok(document::Entity::find()
        .filter(document::Column::OrganizationId.eq(scope.organization_id()))
        .filter(document::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// Marks an issued document as sent by other means, keeping the first instant; `false` when
/// it was marked already (or is a draft).
pub async fn mark_sent(
    db: &impl ConnectionTrait,
    id: i64,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let mut sql = crate::sql::Sql::new("UPDATE documents SET sent_at = ");
    sql.bind(now)
        .push(" WHERE id = ")
        .bind(id)
        .push(" AND sent_at IS NULL AND state <> 'draft'");
    Ok(db.execute_raw(sql.statement(db)).await?.rows_affected() == 1)
}
