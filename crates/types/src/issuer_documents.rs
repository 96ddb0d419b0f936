//! Documents and payments as the issuer's staff (and integrators) see and write them.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::{CurrencySums, DocumentLine, DocumentState, DocumentType, PaymentStatus, VatBreakdown};

/// One line as the issuer enters it. Amounts are computed on the server from these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LineInput {
    /// What is sold.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 1000))]
    pub description: String,
    /// Quantity, decimal string with up to three decimals (`"1.5"`; negative on credit notes).
    #[cfg_attr(feature = "openapi", schema(example = "2"))]
    pub quantity: String,
    /// Unit of measure (`pcs`, `h`, `kg`, …).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 20))]
    pub unit: String,
    /// Net unit price in the document's currency, with at most its decimals (`"120.50"`).
    #[cfg_attr(feature = "openapi", schema(example = "120.50"))]
    pub unit_price: String,
    /// Discount in percent, 0–100, up to two decimals (default 0).
    #[serde(default)]
    pub discount_percent: Option<String>,
    /// VAT rate in percent, 0–100, up to two decimals (`"20"`).
    #[cfg_attr(feature = "openapi", schema(example = "20"))]
    pub vat_rate: String,
}

/// `POST /api/v1/issuer/documents`: a draft. Totals are computed on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDocument {
    /// The contractor it is for.
    pub contractor_id: i64,
    /// Kind of document.
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    /// ISO 4217 currency code (default: the organisation's).
    #[serde(default)]
    pub currency: Option<String>,
    /// Date of issue (default: the day it is issued).
    #[serde(default)]
    pub issue_date: Option<NaiveDate>,
    /// Due date (an offer's: valid until); not before the issue date.
    #[serde(default)]
    pub due_date: Option<NaiveDate>,
    /// The lines, 1–500.
    pub lines: Vec<LineInput>,
    /// Notes printed below the totals.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub notes: Option<String>,
    /// The document it refers to (a credit or debit note's invoice): an issued document of
    /// the same contractor.
    #[serde(default)]
    pub related_document_id: Option<i64>,
}

/// `PATCH /api/v1/issuer/documents/{id}` (drafts only): fields left out stay; `lines` replaces
/// every line; an empty `notes` clears them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentUpdate {
    /// The contractor it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contractor_id: Option<i64>,
    /// Kind of document.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub doc_type: Option<DocumentType>,
    /// ISO 4217 currency code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// Date of issue.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issue_date: Option<NaiveDate>,
    /// Due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<NaiveDate>,
    /// Every line, replacing the current ones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<LineInput>>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 4000))]
    pub notes: Option<String>,
    /// The related document; `0` clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_document_id: Option<i64>,
}

/// A document's row in the issuer's grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuerDocumentRow {
    /// Document id.
    pub id: i64,
    /// Number; null for a draft, which gets its number when issued.
    pub number: Option<String>,
    /// Kind of document.
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    /// Draft, issued, cancelled; offers also accepted, rejected, expired.
    pub state: DocumentState,
    /// The contractor.
    pub contractor_id: i64,
    /// Its name.
    pub contractor_name: String,
    /// Date of issue.
    #[serde(deserialize_with = "crate::wire::deserialize_date")]
    pub date: NaiveDate,
    /// Due date.
    #[serde(deserialize_with = "crate::wire::deserialize_optional_date")]
    pub due_date: Option<NaiveDate>,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Net amount.
    pub tax_base: String,
    /// VAT.
    pub vat: String,
    /// tax_base + vat.
    pub total: String,
    /// Sum of payments; null when not payable.
    pub paid: Option<String>,
    /// total − paid; null when not payable.
    pub remaining: Option<String>,
    /// Unpaid, partially paid or paid; null when not payable, a draft or cancelled.
    pub payment_status: Option<PaymentStatus>,
    /// Something remains to be paid and the due date has passed.
    pub overdue: bool,
    /// When the customer first opened it in the portal (proof of receipt).
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub viewed_at: Option<DateTime<Utc>>,
    /// When the customer first downloaded the PDF.
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub first_downloaded_at: Option<DateTime<Utc>>,
    /// When the customer last downloaded the PDF.
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub last_downloaded_at: Option<DateTime<Utc>>,
    /// When the staff first marked it as sent by other means (post, their own e-mail).
    #[serde(
        default,
        deserialize_with = "crate::wire::deserialize_optional_instant"
    )]
    pub sent_at: Option<DateTime<Utc>>,
}

/// A page of the issuer's document grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuerDocumentPage {
    /// The rows of this page.
    pub items: Vec<IssuerDocumentRow>,
    /// Matching documents over all pages.
    pub total: u64,
    /// Page number from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Per-currency sums over all matching documents (drafts, cancelled and non-payable ones
    /// left out; credit notes negative).
    pub sums: Vec<CurrencySums>,
}

/// A payment as the issuer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    /// Payment id.
    pub id: i64,
    /// The document paid.
    pub document_id: i64,
    /// Amount in the document's currency (negative: a refund on a credit note).
    pub amount: String,
    /// Value date.
    #[serde(deserialize_with = "crate::wire::deserialize_date")]
    pub date: NaiveDate,
    /// `bank_transfer`, `card`, `cash`, `provider` (online) or `other`.
    pub method: String,
    /// Bank or payment reference.
    pub reference: Option<String>,
    /// The staff member who recorded it, if one did.
    pub recorded_by_staff_id: Option<i64>,
    /// When it was recorded.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub created_at: DateTime<Utc>,
}

/// An entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Event {
    /// Event id.
    pub id: i64,
    /// What happened: `logged_in`, `viewed`, `downloaded`, `issued`, `payment_recorded`, …
    pub kind: String,
    /// `portal_user`, `staff_user`, `api_key` or `system`.
    pub actor_type: String,
    /// The portal user, staff member or key.
    pub actor_id: Option<i64>,
    /// The contractor concerned.
    pub contractor_id: Option<i64>,
    /// The document concerned.
    pub document_id: Option<i64>,
    /// Who, as people know them: the staff member's or portal user's name or e-mail, the
    /// key's name; null for the system or someone since deleted.
    #[serde(default)]
    pub actor_name: Option<String>,
    /// The contractor's name.
    #[serde(default)]
    pub contractor_name: Option<String>,
    /// The document's number (null for a draft or a deleted document).
    #[serde(default)]
    pub document_number: Option<String>,
    /// The document's type.
    #[serde(default)]
    pub document_type: Option<DocumentType>,
    /// The client address.
    pub ip: Option<String>,
    /// The client's user agent.
    pub user_agent: Option<String>,
    /// Further facts.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub details: Option<serde_json::Value>,
    /// When.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub created_at: DateTime<Utc>,
}

/// One document with everything the issuer's document view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssuerDocument {
    /// The grid columns.
    #[serde(flatten)]
    pub row: IssuerDocumentRow,
    /// The lines, in order.
    pub lines: Vec<DocumentLine>,
    /// Tax base and VAT per rate.
    pub vat_breakdown: Vec<VatBreakdown>,
    /// Payments, oldest first.
    pub payments: Vec<Payment>,
    /// Notes.
    pub notes: Option<String>,
    /// The related document (a credit note's invoice).
    pub related_document_id: Option<i64>,
    /// Its number.
    pub related_document_number: Option<String>,
    /// The document in the customer's portal.
    pub portal_url: String,
    /// What happened to the document, oldest first.
    pub events: Vec<Event>,
    /// An offer's decision, once the customer made it.
    pub decision: Option<crate::OfferDecision>,
    /// Created.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub created_at: DateTime<Utc>,
    /// Last changed.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/issuer/documents/{id}/payments`. Send an `Idempotency-Key` header: a retry
/// with the same key and body gets the first answer and records nothing more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPayment {
    /// Amount in the document's currency, more than 0 and at most what remains (on a credit
    /// note: at most what is owed back, recorded as a refund).
    #[cfg_attr(feature = "openapi", schema(example = "250.00"))]
    pub amount: String,
    /// Value date (default: today).
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// `bank_transfer`, `card`, `cash` or `other`.
    pub method: PaymentMethod,
    /// Bank or payment reference.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub reference: Option<String>,
}

string_enum! {
    /// How a payment recorded by hand was made.
    PaymentMethod {
        /// Bank transfer.
        BankTransfer => "bank_transfer",
        /// Card.
        Card => "card",
        /// Cash.
        Cash => "cash",
        /// Anything else.
        Other => "other",
    }
}

/// `GET /api/v1/issuer/documents/{id}/payments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentList {
    /// Oldest first.
    pub items: Vec<Payment>,
    /// How many.
    pub total: u64,
}

/// `GET /api/v1/issuer/events`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventPage {
    /// Newest first.
    pub items: Vec<Event>,
    /// Matching events over all pages.
    pub total: u64,
    /// Page number from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
}

/// Documents to mark as sent to the customer by other means (post, the staff's own e-mail).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkSent {
    /// Ids of issued documents of the organisation, 1 to 100.
    #[cfg_attr(feature = "openapi", schema(min_items = 1, max_items = 100))]
    pub ids: Vec<i64>,
}

/// What marking as sent did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkedSent {
    /// Documents marked now (those marked before keep their first date and are not counted).
    pub marked: u64,
}

/// `POST /api/v1/issuer/documents/{id}/convert`: what an accepted offer becomes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ConvertOffer {
    /// `invoice` or `order_confirmation`.
    #[serde(rename = "type")]
    pub doc_type: crate::DocumentType,
}
