//! The organisation's bank accounts, number series and logo.
//!
//! A number series is the row of `document_sequences` of one document type: the next number,
//! how it is written (prefix, zero padding) and whether it starts again each year. Numbering
//! takes the row's lock for the rest of the issuing transaction, so numbers stay gap-free and
//! unique however many documents are issued at once.

use chrono::{DateTime, Datelike, Utc};
use portal_types::DocumentType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter,
    QueryOrder, QuerySelect, Set,
};

use super::IssuerScope;
use crate::entities::{bank_account, logo};
use crate::error::StoreError;
use crate::stmt;

/// Digits of a number when the organisation has not chosen: Bulgarian law asks for ten on
/// invoices, and the other kinds follow suit so that all of an organisation's numbers look alike.
pub const DEFAULT_PADDING: u8 = 10;

/// The organisation's bank accounts in their order.
pub async fn bank_accounts(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
) -> Result<Vec<bank_account::Model>, StoreError> {
    Ok(bank_account::Entity::find()
        .filter(bank_account::Column::OrganizationId.eq(scope.organization_id()))
        .order_by_asc(bank_account::Column::Position)
        .order_by_asc(bank_account::Column::Id)
        .all(db)
        .await?)
}

/// A bank account to store (checked by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBankAccount {
    /// Name of the bank.
    pub bank_name: Option<String>,
    /// Compact IBAN.
    pub iban: String,
    /// BIC.
    pub bic: Option<String>,
    /// ISO 4217 code.
    pub currency: String,
    /// The default of its currency.
    pub is_default: bool,
}

/// Replaces the organisation's bank accounts with `accounts`, in their order.
pub async fn replace_bank_accounts(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    accounts: Vec<NewBankAccount>,
) -> Result<(), StoreError> {
    bank_account::Entity::delete_many()
        .filter(bank_account::Column::OrganizationId.eq(scope.organization_id()))
        .exec(db)
        .await?;
    for (position, a) in accounts.into_iter().enumerate() {
        bank_account::ActiveModel {
            organization_id: Set(scope.organization_id()),
            position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            bank_name: Set(a.bank_name),
            iban: Set(a.iban),
            bic: Set(a.bic),
            currency: Set(a.currency),
            is_default: Set(a.is_default),
            ..Default::default()
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// The account printed on a document in `currency`: that currency's default, else none.
pub fn account_for<'a>(
    accounts: &'a [bank_account::Model],
    currency: &str,
) -> Option<&'a bank_account::Model> {
    accounts
        .iter()
        .find(|a| a.is_default && a.currency.eq_ignore_ascii_case(currency))
}

/// How one document type is numbered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// The document type.
    pub doc_type: DocumentType,
    /// Written before the digits, with `{YYYY}`/`{YY}` for the year.
    pub prefix: String,
    /// Zero padding of the digits.
    pub padding: u8,
    /// The number the next document gets (a yearly series past its year starts at 1).
    pub next_number: i64,
    /// Starts again at 1 each year.
    pub yearly_reset: bool,
    /// The year the numbering is in (the current year for a series not used yet).
    pub year: i32,
}

impl Series {
    /// The next number as it will be printed.
    pub fn next_printed(&self) -> String {
        format_number(&self.prefix, self.padding, self.next_number, self.year)
    }
}

/// A number as printed: the prefix with its year placeholders filled in, then the digits
/// padded with zeros.
pub fn format_number(prefix: &str, padding: u8, number: i64, year: i32) -> String {
    let prefix = prefix
        .replace("{YYYY}", &format!("{year:04}"))
        .replace("{YY}", &format!("{:02}", year.rem_euclid(100)));
    format!("{prefix}{number:0width$}", width = usize::from(padding))
}

/// Where numbering continues for a type with no series yet: after the highest number of digits
/// only the organisation already has (drafts carry a placeholder with letters; a number
/// imported with its draft counts).
async fn first_number(
    db: &impl ConnectionTrait,
    organization_id: i64,
    kind: &str,
) -> Result<i64, StoreError> {
    let numbers = db
        .query_all_raw(stmt(
            db,
            "SELECT number FROM documents WHERE organization_id = $1 AND doc_type = $2",
            vec![organization_id.into(), kind.into()],
        ))
        .await?;
    let mut highest = 0i64;
    for row in numbers {
        let number: String = row.try_get("", "number")?;
        if !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit())
            && let Ok(n) = number.parse::<i64>()
        {
            highest = highest.max(n);
        }
    }
    Ok(highest.saturating_add(1))
}

/// Makes sure the type's series row exists (a first use continues after existing numbers).
async fn ensure(
    db: &impl ConnectionTrait,
    organization_id: i64,
    kind: &str,
    year: i32,
) -> Result<(), StoreError> {
    let existing = db
        .query_one_raw(stmt(
            db,
            "SELECT 1 AS one FROM document_sequences WHERE organization_id = $1 AND doc_type = $2",
            vec![organization_id.into(), kind.into()],
        ))
        .await?;
    if existing.is_none() {
        let first = first_number(db, organization_id, kind).await?;
        db.execute_raw(stmt(
            db,
            "INSERT INTO document_sequences (organization_id, doc_type, next_number, padding, year)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, doc_type) DO NOTHING",
            vec![
                organization_id.into(),
                kind.into(),
                first.into(),
                i32::from(DEFAULT_PADDING).into(),
                year.into(),
            ],
        ))
        .await?;
    }
    Ok(())
}

/// A row of `document_sequences` as the series stands in `year` (a yearly series last used in
/// an earlier year starts at 1); `None` for a type this build does not know.
fn series_of_row(row: &sea_orm::QueryResult, year: i32) -> Result<Option<Series>, StoreError> {
    let kind: String = row.try_get("", "doc_type")?;
    let Some(doc_type) = DocumentType::parse(&kind) else {
        return Ok(None);
    };
    let next: i64 = row.try_get("", "next_number")?;
    let prefix: String = row.try_get("", "prefix")?;
    let padding: i32 = row.try_get("", "padding")?;
    let yearly_reset: bool = row.try_get("", "yearly_reset")?;
    let stored_year: Option<i32> = row.try_get("", "year")?;
    let stored_year = stored_year.unwrap_or(year);
    let restarts = yearly_reset && stored_year < year;
    Ok(Some(Series {
        doc_type,
        prefix,
        padding: u8::try_from(padding).unwrap_or(DEFAULT_PADDING),
        next_number: if restarts { 1 } else { next },
        yearly_reset,
        year: stored_year.max(year),
    }))
}

const SERIES_COLUMNS: &str = "SELECT doc_type, next_number, prefix, padding, yearly_reset, year
     FROM document_sequences WHERE organization_id = $1";

/// Every document type's series as it stands in `year` (the current year): types never
/// numbered show where they would start.
pub async fn series(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    year: i32,
) -> Result<Vec<Series>, StoreError> {
    let org = scope.organization_id();
    let rows = db
        .query_all_raw(stmt(db, SERIES_COLUMNS, vec![org.into()]))
        .await?;
    let stored: Vec<Series> = rows
        .iter()
        .map(|row| series_of_row(row, year))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let mut all = Vec::with_capacity(DocumentType::ALL.len());
    for &doc_type in DocumentType::ALL {
        match stored.iter().find(|s| s.doc_type == doc_type) {
            Some(s) => all.push(s.clone()),
            None => all.push(Series {
                doc_type,
                prefix: String::new(),
                padding: DEFAULT_PADDING,
                next_number: first_number(db, org, doc_type.as_str()).await?,
                yearly_reset: false,
                year,
            }),
        }
    }
    Ok(all)
}

/// Why a series change was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SeriesRefusal {
    /// The next number would go down (numbers already given would come again).
    NextNumberLower {
        /// The lowest allowed.
        current: i64,
    },
    /// A document of the type already has the number the series would give next.
    NumberTaken(String),
}

/// Changes the series of `doc_type` to `wanted` (its `next_number` only upwards; the year is
/// the current one). Answers the refusal instead when the change is not allowed; nothing is
/// written then.
pub async fn set_series(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    wanted: &Series,
) -> Result<Result<(), SeriesRefusal>, StoreError> {
    let org = scope.organization_id();
    let kind = wanted.doc_type.as_str();
    ensure(db, org, kind, wanted.year).await?;
    let row = db
        .query_one_raw(stmt(
            db,
            &format!("{SERIES_COLUMNS} AND doc_type = $2"),
            vec![org.into(), kind.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::internal("the document sequence is missing"))?;
    let current = series_of_row(&row, wanted.year)?
        .ok_or_else(|| StoreError::internal("the document sequence is missing"))?;
    if wanted.next_number < current.next_number {
        return Ok(Err(SeriesRefusal::NextNumberLower {
            current: current.next_number,
        }));
    }
    let printed = wanted.next_printed();
    let taken = db
        .query_one_raw(stmt(
            db,
            "SELECT 1 AS one FROM documents WHERE organization_id = $1 AND doc_type = $2 AND number = $3",
            vec![org.into(), kind.into(), printed.clone().into()],
        ))
        .await?;
    if taken.is_some() {
        return Ok(Err(SeriesRefusal::NumberTaken(printed)));
    }
    // Conditional on the counter not having passed the wanted number meanwhile (a document
    // issued by another request between the check and here).
    let result = db
        .execute_raw(stmt(
            db,
            "UPDATE document_sequences SET next_number = $3, prefix = $4, padding = $5,
                yearly_reset = $6, year = $7
             WHERE organization_id = $1 AND doc_type = $2
               AND (next_number <= $3 OR (yearly_reset AND year < $7))",
            vec![
                org.into(),
                kind.into(),
                wanted.next_number.into(),
                wanted.prefix.clone().into(),
                i32::from(wanted.padding).into(),
                wanted.yearly_reset.into(),
                wanted.year.into(),
            ],
        ))
        .await?;
    if result.rows_affected() == 0 {
        return Ok(Err(SeriesRefusal::NextNumberLower {
            current: wanted.next_number.saturating_add(1),
        }));
    }
    Ok(Ok(()))
}

/// The next number of the organisation's documents of `doc_type`, taken: gap-free and unique
/// however many issue at once, because the sequence row is locked until the issuing
/// transaction ends (a rolled-back issue gives its number back). The first number continues
/// after the highest one the organisation already has; a yearly series starts again at 1 in
/// the first issue of a new year (the year of `now`, when the document is issued).
pub async fn take_number(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    doc_type: DocumentType,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let org = scope.organization_id();
    let kind = doc_type.as_str();
    let year = now.year();
    ensure(db, org, kind, year).await?;
    let row = db
        .query_one_raw(stmt(
            db,
            "UPDATE document_sequences SET
                next_number = CASE WHEN yearly_reset AND year IS NOT NULL AND year < $3
                    THEN 2 ELSE next_number + 1 END,
                year = CASE WHEN year IS NULL OR year < $3 THEN $3 ELSE year END
             WHERE organization_id = $1 AND doc_type = $2
             RETURNING next_number - 1 AS number, prefix, padding, year",
            vec![org.into(), kind.into(), year.into()],
        ))
        .await?
        .ok_or_else(|| StoreError::internal("the document sequence is missing"))?;
    let number: i64 = row.try_get("", "number")?;
    let prefix: String = row.try_get("", "prefix")?;
    let padding: i32 = row.try_get("", "padding")?;
    let year: i32 = row.try_get("", "year")?;
    Ok(format_number(
        &prefix,
        u8::try_from(padding).unwrap_or(DEFAULT_PADDING),
        number,
        year,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_with_prefix_year_and_padding() {
        assert_eq!(format_number("", 10, 42, 2026), "0000000042");
        assert_eq!(format_number("RE-{YYYY}-", 5, 7, 2026), "RE-2026-00007");
        assert_eq!(format_number("{YY}/", 3, 1234, 2007), "07/1234");
        assert_eq!(format_number("F", 1, 3, 2026), "F3");
    }
}

/// One party of a document as it was printed when the document was issued.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct PartySnapshot {
    /// Legal name.
    pub name: String,
    /// Company or tax registration number.
    pub tax_id: Option<String>,
    /// VAT number.
    pub vat_number: Option<String>,
    /// Address lines.
    pub address_lines: Vec<String>,
    /// Trading name, e-mail, phone, web site.
    pub contact_lines: Vec<String>,
    /// Bank account printed.
    pub iban: Option<String>,
    /// BIC of that account.
    pub bic: Option<String>,
    /// Bank of that account.
    pub bank_name: Option<String>,
}

/// The parties of a document as issued, stored with it (`documents.issued_parties`) so that
/// a later change of the company profile or of the customer's data never changes an issued
/// document's PDF.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct IssuedParties {
    /// The organisation.
    pub issuer: PartySnapshot,
    /// The contractor.
    pub customer: PartySnapshot,
    /// The organisation's footer text.
    pub footer: Option<String>,
    /// The organisation's logo (`logos.id`).
    pub logo_id: Option<i64>,
    /// Transfers carry an RF creditor reference made of the number (documents issued before
    /// the setting existed read `false`: the number as text, as they always had).
    pub creditor_reference: bool,
}

/// Street, postal code with city, country: the lines an address prints as.
pub fn address_lines(
    street: &Option<String>,
    postal: &Option<String>,
    city: &Option<String>,
    country: Option<&String>,
) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(s) = street.as_ref().filter(|s| !s.trim().is_empty()) {
        lines.push(s.clone());
    }
    let place = [postal.as_deref(), city.as_deref()]
        .into_iter()
        .flatten()
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    if !place.is_empty() {
        lines.push(place);
    }
    if let Some(c) = country.filter(|c| !c.is_empty()) {
        lines.push(c.clone());
    }
    lines
}

/// The parties as a document in `currency` for `customer` prints them now: the
/// organisation's profile with its default account in that currency, and the contractor.
pub fn parties_now(
    org: &crate::entities::organization::Model,
    accounts: &[bank_account::Model],
    customer: &crate::entities::contractor::Model,
    currency: &str,
) -> IssuedParties {
    let account = account_for(accounts, currency);
    let contact = [
        org.trading_name.clone(),
        Some(
            [org.email.as_deref(), org.phone.as_deref()]
                .into_iter()
                .flatten()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" · "),
        ),
        org.website.clone(),
    ]
    .into_iter()
    .flatten()
    .filter(|s| !s.trim().is_empty())
    .collect();
    IssuedParties {
        issuer: PartySnapshot {
            name: org.legal_name.clone(),
            tax_id: org.tax_id.clone(),
            vat_number: org.vat_number.clone(),
            address_lines: address_lines(
                &org.street,
                &org.postal_code,
                &org.city,
                Some(&org.country),
            ),
            contact_lines: contact,
            iban: account.map(|a| a.iban.clone()),
            bic: account.and_then(|a| a.bic.clone()),
            bank_name: account.and_then(|a| a.bank_name.clone()),
        },
        customer: PartySnapshot {
            name: customer.name.clone(),
            tax_id: customer.tax_id.clone(),
            vat_number: customer.vat_number.clone(),
            address_lines: address_lines(
                &customer.street,
                &customer.postal_code,
                &customer.city,
                customer.country.as_ref(),
            ),
            ..PartySnapshot::default()
        },
        footer: org.document_footer.clone().filter(|f| !f.trim().is_empty()),
        logo_id: org.logo_id,
        creditor_reference: org.creditor_reference,
    }
}

/// [`parties_now`] for one document, read inside the caller's transaction: what issuing it
/// stores.
pub async fn parties_of(
    db: &impl ConnectionTrait,
    doc: &crate::entities::document::Model,
) -> Result<IssuedParties, StoreError> {
    let org = crate::entities::organization::Entity::find_by_id(doc.organization_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::internal("the document's organisation is missing"))?;
    let customer = crate::entities::contractor::Entity::find_by_id(doc.contractor_id)
        .one(db)
        .await?
        .ok_or_else(|| StoreError::internal("the document's contractor is missing"))?;
    let accounts = bank_accounts(db, IssuerScope::new(doc.organization_id)).await?;
    Ok(parties_now(&org, &accounts, &customer, &doc.currency))
}

/// A logo of the organisation by its id (the current one or one a document was issued with).
pub async fn logo(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    id: i64,
) -> Result<Option<logo::Model>, StoreError> {
    Ok(logo::Entity::find_by_id(id)
        .filter(logo::Column::OrganizationId.eq(scope.organization_id()))
        .one(db)
        .await?)
}

/// A logo's facts without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct LogoFacts {
    /// Id.
    pub id: i64,
    /// `image/png` or `image/jpeg`.
    pub media_type: String,
    /// Width in pixels.
    pub width: i32,
    /// Height in pixels.
    pub height: i32,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

/// The facts of the organisation's current logo, if it has one.
pub async fn current_logo(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    logo_id: Option<i64>,
) -> Result<Option<LogoFacts>, StoreError> {
    let Some(id) = logo_id else {
        return Ok(None);
    };
    Ok(logo::Entity::find_by_id(id)
        .filter(logo::Column::OrganizationId.eq(scope.organization_id()))
        .select_only()
        .columns([
            logo::Column::Id,
            logo::Column::MediaType,
            logo::Column::Width,
            logo::Column::Height,
            logo::Column::CreatedAt,
        ])
        .into_model::<LogoFacts>()
        .one(db)
        .await?)
}

/// Stores a new logo and makes it the organisation's current one (earlier ones stay, for the
/// documents issued with them).
pub async fn set_logo(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    media_type: &str,
    (width, height): (i32, i32),
    bytes: Vec<u8>,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let stored = logo::ActiveModel {
        organization_id: Set(scope.organization_id()),
        media_type: Set(media_type.to_string()),
        width: Set(width),
        height: Set(height),
        bytes: Set(bytes),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    point_at(db, scope, Some(stored.id), now).await?;
    Ok(stored.id)
}

/// Sets (or clears) the organisation's current logo.
pub async fn point_at(
    db: &impl ConnectionTrait,
    scope: IssuerScope,
    logo_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    crate::entities::organization::Entity::update_many()
        .col_expr(
            crate::entities::organization::Column::LogoId,
            sea_orm::sea_query::Expr::value(logo_id),
        )
        .col_expr(
            crate::entities::organization::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(crate::entities::organization::Column::Id.eq(scope.organization_id()))
        .exec(db)
        .await?;
    Ok(())
}
