//! The issuing company's profile: its legal data, bank accounts and number series, printed on
//! every document it issues (`GET/PATCH /api/v1/issuer/organization`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Address, DocumentType};

/// One of the organisation's bank accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BankAccount {
    /// Bank account id.
    pub id: i64,
    /// Name of the bank.
    pub bank_name: Option<String>,
    /// IBAN, compact (`BG80BNBG96611020345678`).
    pub iban: String,
    /// BIC / SWIFT code.
    pub bic: Option<String>,
    /// ISO 4217 code of the account's currency.
    pub currency: String,
    /// Printed on documents in its currency (one default per currency).
    pub is_default: bool,
}

/// A bank account in a profile change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BankAccountInput {
    /// Name of the bank.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 100))]
    pub bank_name: Option<String>,
    /// IBAN, checked by its checksum (spaces allowed).
    #[cfg_attr(feature = "openapi", schema(min_length = 15, max_length = 50))]
    pub iban: String,
    /// BIC / SWIFT code (8 or 11 characters).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 11))]
    pub bic: Option<String>,
    /// ISO 4217 code (`EUR`, `BGN`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z]{3}$"))]
    pub currency: String,
    /// The default account of its currency; when no account of a currency is marked, the
    /// first one is.
    #[serde(default)]
    pub is_default: bool,
}

/// How the numbers of one document type are written and where they continue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NumberSeries {
    /// The document type numbered.
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    /// Written before the digits; `{YYYY}` and `{YY}` stand for the year.
    pub prefix: String,
    /// The digits are padded with zeros to this many.
    pub padding: u8,
    /// The number the next issued document of this type gets.
    pub next_number: u64,
    /// Numbering starts again at 1 each calendar year (the prefix then holds the year).
    pub yearly_reset: bool,
    /// The next number as it will be printed (`RE-2026-00042`).
    pub next_printed: String,
}

/// A change to one number series; fields left out stay unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NumberSeriesUpdate {
    /// The document type whose series changes.
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    /// Letters, digits, spaces and `-/._#` plus the `{YYYY}` and `{YY}` placeholders.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub prefix: Option<String>,
    /// 1 to 18 digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 18))]
    pub padding: Option<u8>,
    /// Where the numbering continues: only upwards, never to a number already given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(minimum = 1, maximum = 999999999999999999_u64)
    )]
    pub next_number: Option<u64>,
    /// Start again at 1 each calendar year; needs `{YYYY}` or `{YY}` in the prefix, or numbers
    /// would repeat.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly_reset: Option<bool>,
}

/// The organisation's logo, printed at the top of the documents it issues.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationLogo {
    /// Logo id; a new upload is a new id (documents issued with an earlier logo keep it).
    pub id: i64,
    /// `image/png` or `image/jpeg`, as the content says.
    pub media_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

/// The company profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganizationProfile {
    /// Organisation id.
    pub id: i64,
    /// Its slug in portal addresses (`/p/{slug}/`).
    pub slug: String,
    /// Legal name, printed on documents.
    pub legal_name: String,
    /// The name it trades under, when it differs.
    pub trading_name: Option<String>,
    /// Company or tax registration number, checked by the country's rules (BG: ЕИК/БУЛСТАТ;
    /// ES: NIF/CIF; DE: Steuernummer).
    pub tax_id: Option<String>,
    /// VAT number with its country prefix.
    pub vat_number: Option<String>,
    /// Postal address; its country decides how the tax id is checked.
    pub address: Address,
    /// Contact e-mail printed on documents.
    pub email: Option<String>,
    /// Contact phone.
    pub phone: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Currency of new documents.
    pub default_currency: String,
    /// Language of new contractors: `bg`, `en`, `de` or `es`.
    pub default_locale: String,
    /// Days from issue to due date for contractors without terms of their own.
    pub default_payment_terms_days: Option<u16>,
    /// Printed at the foot of every document issued.
    pub document_footer: Option<String>,
    /// Bank accounts, the default one of each currency printed on documents in it.
    pub bank_accounts: Vec<BankAccount>,
    /// Transfers to pay EUR documents carry an ISO 11649 RF creditor reference built from the
    /// document number (`RF88 2026 0042`), in the QR code's structured element; else the number
    /// as text. Documents keep what they were issued with.
    pub creditor_reference: bool,
    /// The logo (`GET /api/v1/issuer/organization/logo` for the picture), if there is one.
    pub logo: Option<OrganizationLogo>,
    /// Number series, one per document type.
    pub number_series: Vec<NumberSeries>,
    /// Last changed.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub updated_at: DateTime<Utc>,
}

/// `PATCH /api/v1/issuer/organization`: fields left out stay unchanged; for optional text
/// fields an empty string clears the value. A change applies to documents issued after it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OrganizationUpdate {
    /// Legal name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub legal_name: Option<String>,
    /// Trading name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub trading_name: Option<String>,
    /// Company or tax registration number, checked by the country's rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub tax_id: Option<String>,
    /// VAT number with its country prefix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub vat_number: Option<String>,
    /// Postal address; the fields given replace the stored ones. The country cannot be cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    /// Contact e-mail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 254))]
    pub email: Option<String>,
    /// Contact phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 50))]
    pub phone: Option<String>,
    /// Web site (`https://…`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub website: Option<String>,
    /// ISO 4217 code of new documents' currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z]{3}$"))]
    pub default_currency: Option<String>,
    /// `bg`, `en`, `de` or `es`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_locale: Option<String>,
    /// Days from issue to due date, 0 to 365; `null` clears them.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::wire::present"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u16>, nullable, maximum = 365))]
    pub default_payment_terms_days: Option<Option<u16>>,
    /// Printed at the foot of every document issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 1000))]
    pub document_footer: Option<String>,
    /// RF creditor references on transfers (documents issued from now on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_reference: Option<bool>,
    /// The bank accounts, replacing the stored list (at most 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 10))]
    pub bank_accounts: Option<Vec<BankAccountInput>>,
    /// Changes to number series, one entry per document type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 7))]
    pub number_series: Option<Vec<NumberSeriesUpdate>>,
}
