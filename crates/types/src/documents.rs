//! Financial documents as the customer sees them: the grid, one document, the summary.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

string_enum! {
    /// The kind of a financial document.
    DocumentType {
        /// Invoice (Rechnung, фактура, factura).
        Invoice => "invoice",
        /// Credit note: reduces what is owed; carries negative amounts.
        CreditNote => "credit_note",
        /// Debit note: increases what is owed.
        DebitNote => "debit_note",
        /// Offer / quote: not payable; may be accepted or rejected.
        Offer => "offer",
        /// Payment reminder (dunning letter).
        Reminder => "reminder",
        /// Delivery note: not payable.
        DeliveryNote => "delivery_note",
        /// Order confirmation: not payable.
        OrderConfirmation => "order_confirmation",
    }
}

/// An invoice, unless said otherwise (the most common document, and what a new one starts as).
impl Default for DocumentType {
    fn default() -> Self {
        DocumentType::Invoice
    }
}

string_enum! {
    /// Life-cycle state of a document.
    DocumentState {
        /// Being prepared; never visible to customers.
        Draft => "draft",
        /// Issued to the customer.
        Issued => "issued",
        /// Cancelled; shown as such and left out of sums.
        Cancelled => "cancelled",
        /// An offer the customer accepted.
        Accepted => "accepted",
        /// An offer the customer rejected.
        Rejected => "rejected",
        /// An offer past its validity.
        Expired => "expired",
    }
}

string_enum! {
    /// How much of a payable document has been paid.
    PaymentStatus {
        /// Nothing remains.
        Paid => "paid",
        /// Nothing paid yet.
        Unpaid => "unpaid",
        /// Something paid, something remains.
        PartiallyPaid => "partially_paid",
    }
}

/// One row of the document grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentRow {
    /// Document id.
    pub id: i64,
    /// Document number, unique per organisation and type.
    pub number: String,
    /// Issue date.
    #[serde(
        serialize_with = "crate::wire::date",
        deserialize_with = "crate::wire::deserialize_date"
    )]
    pub date: NaiveDate,
    /// Due date (payable documents) or validity end (offers).
    #[serde(
        serialize_with = "crate::wire::optional_date",
        deserialize_with = "crate::wire::deserialize_optional_date"
    )]
    pub due_date: Option<NaiveDate>,
    /// Document type.
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Net amount, decimal string.
    pub tax_base: String,
    /// VAT amount, decimal string.
    pub vat: String,
    /// tax_base + vat, decimal string.
    pub total: String,
    /// Sum of payments; null for documents that are not payable.
    pub paid: Option<String>,
    /// total − paid; null for documents that are not payable.
    pub remaining: Option<String>,
    /// When the customer last downloaded the PDF.
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub downloaded_at: Option<DateTime<Utc>>,
    /// Life-cycle state.
    pub state: DocumentState,
    /// Payment status; null when not payable or cancelled.
    pub payment_status: Option<PaymentStatus>,
    /// Payable, something remains and the due date has passed.
    pub overdue: bool,
}

/// Per-currency sums of a filtered set of documents (the grid's footer).
/// Cancelled and non-payable documents are left out; credit notes count negative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrencySums {
    /// ISO 4217 currency code.
    pub currency: String,
    /// How many documents were summed.
    pub count: u64,
    /// Sum of tax bases.
    pub tax_base: String,
    /// Sum of VAT.
    pub vat: String,
    /// Sum of totals.
    pub total: String,
    /// Sum of payments.
    pub paid: String,
    /// Sum of remaining amounts.
    pub remaining: String,
}

/// A page of the document grid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentPage {
    /// The rows of this page.
    pub items: Vec<DocumentRow>,
    /// How many documents match the filter, over all pages.
    pub total: u64,
    /// This page's number, from 1.
    pub page: u32,
    /// Page size.
    pub per_page: u32,
    /// Per-currency sums over all matching documents.
    pub sums: Vec<CurrencySums>,
}

/// One line of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentLine {
    /// Position, from 1.
    pub position: i32,
    /// What was sold.
    pub description: String,
    /// Quantity, decimal string (up to three decimals).
    pub quantity: String,
    /// Unit of measure (`pcs`, `h`, `kg`, …).
    pub unit: String,
    /// Net unit price, decimal string.
    pub unit_price: String,
    /// Discount in percent, decimal string (`"10.00"`).
    pub discount_percent: String,
    /// VAT rate in percent, decimal string (`"20.00"`).
    pub vat_rate: String,
    /// Net amount of the line after discount.
    pub net: String,
    /// VAT of the line.
    pub vat: String,
}

/// Tax base and VAT for one VAT rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VatBreakdown {
    /// VAT rate in percent, decimal string.
    pub rate: String,
    /// Tax base at this rate.
    pub tax_base: String,
    /// VAT at this rate.
    pub vat: String,
}

/// A payment recorded against a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PaymentView {
    /// Payment id.
    pub id: i64,
    /// Amount, decimal string (negative for refunds).
    pub amount: String,
    /// Value date.
    #[serde(deserialize_with = "crate::wire::deserialize_date")]
    pub date: NaiveDate,
    /// `bank_transfer`, `card`, `cash` or `provider`.
    pub method: String,
}

/// One document with everything the document view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentDetail {
    /// The grid columns of this document.
    #[serde(flatten)]
    pub row: DocumentRow,
    /// The lines, in order.
    pub lines: Vec<DocumentLine>,
    /// Tax base and VAT per rate.
    pub vat_breakdown: Vec<VatBreakdown>,
    /// Payments, oldest first.
    pub payments: Vec<PaymentView>,
    /// Free-text notes printed on the document.
    pub notes: Option<String>,
    /// For a credit or debit note: the number of the invoice it corrects.
    pub related_document_number: Option<String>,
    /// For a credit or debit note: the id of the invoice it corrects, when visible.
    pub related_document_id: Option<i64>,
    /// When the customer first opened the document.
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub first_viewed_at: Option<DateTime<Utc>>,
    /// When the customer first downloaded the PDF.
    #[serde(deserialize_with = "crate::wire::deserialize_optional_instant")]
    pub first_downloaded_at: Option<DateTime<Utc>>,
    /// An offer's decision, once the customer made it.
    pub decision: Option<OfferDecision>,
    /// For paying what remains by SEPA credit transfer: the payload of the EPC QR code
    /// (EPC069-12, version 002: the lines `BCD`, `002`, `1`, `SCT`, BIC, beneficiary, IBAN,
    /// `EUR` amount, purpose, structured reference, the document number), the same code its PDF
    /// prints. Present for an issued, open EUR document whose issuer has an IBAN on it.
    pub payment_code: Option<String>,
    /// What of it an online payment the bank has yet to confirm pays (SEPA debit); no other
    /// online payment of it starts meanwhile.
    #[serde(default)]
    pub payment_processing: Option<String>,
}

/// A customer's decision on an offer: final once made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfferDecision {
    /// `accepted` or `rejected`.
    pub state: DocumentState,
    /// When.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub decided_at: DateTime<Utc>,
    /// The portal user's name.
    pub decided_by: String,
    /// The reason the customer gave.
    pub reason: Option<String>,
}

/// `POST /api/v1/portal/documents/{id}/accept` and `/reject`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// Why (at most 2,000 characters; plain text).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_length = 2000))]
    pub reason: Option<String>,
}

/// Open and overdue amounts in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CurrencySummary {
    /// ISO 4217 currency code.
    pub currency: String,
    /// Sum of remaining amounts (credit notes reduce it).
    pub open: String,
    /// How many documents are open.
    pub open_count: u64,
    /// Sum of remaining amounts past their due date.
    pub overdue: String,
    /// How many documents are overdue.
    pub overdue_count: u64,
    /// Payments received in the last 12 months.
    pub paid_last_12_months: String,
}

/// How many documents of one type the customer has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TypeCount {
    /// Document type.
    #[serde(rename = "type")]
    pub doc_type: DocumentType,
    /// Number of visible documents of that type.
    pub count: u64,
}

/// `GET /api/v1/portal/summary`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PortalSummary {
    /// Per-currency open and overdue amounts.
    pub currencies: Vec<CurrencySummary>,
    /// Counts by type.
    pub counts: Vec<TypeCount>,
    /// The five most recent documents.
    pub recent: Vec<DocumentRow>,
}
