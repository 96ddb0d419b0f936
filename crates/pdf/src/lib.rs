//! `portal-pdf`: renders the portal's financial documents to PDF, in-process, with
//! [genpdf](https://docs.rs/genpdf/0.2).
//!
//! The input is a plain data model ([`PdfDocument`]): no database, no HTTP. Money is `i64` minor
//! units with the currency's ISO 4217 exponent and is formatted exactly (no floats) by the
//! [`format`] module. Labels, dates and numbers follow the document's [`Locale`] (bg, en, de, es).
//!
//! ```
//! use portal_pdf::{render, sample, DocumentType, Locale};
//!
//! let doc = sample::document(Locale::De, DocumentType::Invoice);
//! let bytes = render(&doc).expect("render");
//! assert!(bytes.starts_with(b"%PDF"));
//! ```
//!
//! What the renderer guarantees beyond genpdf's defaults:
//! - Fonts are compiled into the binary (`fonts/`, Liberation Sans 2 subset to Latin, Latin-1,
//!   Latin Extended-A, Greek, Cyrillic and the currency signs, renamed "Portal Sans" as the
//!   SIL OFL requires); nothing is read from disk at run time. A document whose text is all
//!   Windows-1252 (English, German, Spanish, most Western European names) prints with PDF's
//!   standard Helvetica, laid out with Liberation Sans' identical metrics: nothing is embedded,
//!   a one-page invoice is about 17 KB. Any other document (Bulgarian, a Polish name…) embeds
//!   the regular and bold faces and is about 110 KB.
//! - No text is silently lost: every word is measured with the font's metrics against the cell it
//!   lands in and broken into pieces that fit (genpdf drops a word wider than its cell), and every
//!   character the fonts lack is replaced by a visible `[U+XXXX]` marker (genpdf would print
//!   nothing). Invisible format characters (zero-width spaces, bidi marks, soft hyphens) are
//!   removed, text is NFC-normalised first.
//! - The PDF title metadata is ASCII (`"invoice 0000000123"`), so viewers do not show mojibake.
//! - [`render`] never panics for any input; it returns [`PdfError`] instead.

#![warn(missing_docs)]

pub use portal_domain::format;
pub use portal_domain::locale::Locale;
pub mod sample;

mod fonts;
mod labels;
mod layout;
pub mod logo;
mod qr;
mod text;

use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;

/// Identifies the renderer: this crate's version and a digest of its code, fonts and the
/// formatting it uses (computed by `build.rs`). Two renders of the same [`PdfDocument`] are the
/// same file exactly when their render versions are equal, so a cache of rendered PDFs keys on
/// it beside the document.
pub const RENDER_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "+",
    env!("PORTAL_PDF_RENDER_DIGEST")
);

/// The kind of a document (the API's document `type`); decides the title and a few labels.
pub use portal_types::DocumentType;

/// The localized title of a kind of document, e.g. `Фактура`, `Rechnung`, `Factura rectificativa`.
pub fn title(kind: DocumentType, locale: Locale) -> &'static str {
    labels::title(kind, locale)
}

/// The issuer or the customer of a document. Empty strings and `None` are left out of the PDF.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Party {
    /// Legal name.
    pub name: String,
    /// Company / tax registration number (ЕИК, Steuernummer, NIF, ...).
    pub tax_id: Option<String>,
    /// VAT identification number (e.g. `BG123456789`).
    pub vat_number: Option<String>,
    /// Postal address, one entry per printed line. An entry may also contain line breaks.
    pub address_lines: Vec<String>,
    /// Contact lines printed below the address (e-mail, phone, web site).
    pub contact_lines: Vec<String>,
    /// Bank account (IBAN); printed for the issuer, and for the customer if given.
    pub iban: Option<String>,
    /// BIC / SWIFT code.
    pub bic: Option<String>,
    /// Name of the bank.
    pub bank_name: Option<String>,
}

/// One line of the lines table.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Line {
    /// Description; may be long and contain line breaks (`\n`).
    pub description: String,
    /// Quantity as a decimal string with `.` as decimal point, e.g. `"2"`, `"1.5"`, `"-3"`.
    /// Printed in the locale's format (`1,5` in de); a string that is not such a number is
    /// printed as given.
    pub quantity: String,
    /// Unit of measure, e.g. `"pcs"`, `"h"`, `"бр."`; may be empty.
    pub unit: String,
    /// Unit price in minor units of the document currency.
    pub unit_price_minor: i64,
    /// Discount in basis points (`1000` = 10 %); `0` prints an empty cell.
    pub discount_bp: u32,
    /// VAT rate in basis points (`2000` = 20 %).
    pub vat_rate_bp: u32,
    /// Net amount of the line (after discount, before VAT) in minor units.
    pub net_minor: i64,
}

/// One row of the VAT breakdown: the tax base and the VAT of one rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct VatBreakdown {
    /// VAT rate in basis points (`2000` = 20 %).
    pub rate_bp: u32,
    /// Tax base (net amount) at this rate, in minor units.
    pub base_minor: i64,
    /// VAT at this rate, in minor units.
    pub vat_minor: i64,
}

/// Everything printed on one document. The renderer prints the amounts as given and does no
/// arithmetic on them: they must come from the domain's computation.
///
/// Amounts are in minor units of [`PdfDocument::currency`] with
/// [`PdfDocument::currency_exponent`] decimal places (credit notes usually carry negative
/// amounts; they are printed with a minus sign).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PdfDocument {
    /// Language of labels, dates and numbers.
    pub locale: Locale,
    /// Kind of the document (decides the title).
    pub kind: DocumentType,
    /// Document number, e.g. `0000000123`.
    pub number: String,
    /// Date of issue.
    pub issue_date: NaiveDate,
    /// Date of the taxable supply, if it is to be printed (Bulgarian invoices name it; left out
    /// when `None`).
    pub supply_date: Option<NaiveDate>,
    /// Due date (for an offer: valid until). Left out when `None`.
    pub due_date: Option<NaiveDate>,
    /// ISO 4217 code, e.g. `EUR`, `BGN`.
    pub currency: String,
    /// Decimal places of the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD); values
    /// above [`format::MAX_EXPONENT`] are treated as that maximum.
    pub currency_exponent: u32,
    /// Who issued the document: header with legal data and bank account.
    pub issuer: Party,
    /// Who the document is for.
    pub customer: Party,
    /// The lines table; may be empty.
    pub lines: Vec<Line>,
    /// VAT per rate; the block is left out when empty.
    pub vat_breakdown: Vec<VatBreakdown>,
    /// Sum of the net amounts (tax base), minor units.
    pub tax_base_minor: i64,
    /// Sum of VAT, minor units.
    pub vat_minor: i64,
    /// Total = tax base + VAT, minor units.
    pub total_minor: i64,
    /// Amount paid so far; `None` for documents that are not payable (then neither paid nor
    /// remaining is printed).
    pub paid_minor: Option<i64>,
    /// Amount still to pay; `None` for documents that are not payable.
    pub remaining_minor: Option<i64>,
    /// Free-text notes printed below the totals; may contain line breaks.
    pub notes: Option<String>,
    /// Number of the related document: for a credit (or debit) note the invoice it corrects,
    /// printed as "Corrects invoice No. N" in the document's language.
    pub related_document_number: Option<String>,
    /// The issuer's standing text at the foot of the document (registration court, managing
    /// directors…); may contain line breaks.
    pub footer: Option<String>,
    /// The issuer's logo, drawn above the title.
    pub logo: Option<logo::Logo>,
    /// The EPC QR code's payload (`portal_domain::epc::payload`), for an open EUR invoice: drawn
    /// below the totals with a word on how to use it. The caller decides when there is one.
    pub payment_code: Option<String>,
}

impl PdfDocument {
    /// The ASCII title written to the PDF metadata: the kind's wire name and the number, with
    /// every non-printable-ASCII character of the number replaced by `_`, e.g.
    /// `invoice 0000000123`.
    pub fn ascii_title(&self) -> String {
        let number: String = self
            .number
            .chars()
            .map(|c| if c.is_ascii_graphic() { c } else { '_' })
            .collect();
        format!("{} {}", self.kind.as_str(), number)
    }
}

/// Why a document could not be rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// The embedded fonts could not be loaded (a build problem, not an input problem).
    Fonts(String),
    /// genpdf / printpdf failed while laying out or writing the document.
    Render(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::Fonts(m) => write!(f, "cannot load the embedded fonts: {m}"),
            PdfError::Render(m) => write!(f, "cannot render the PDF: {m}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// Renders `doc` to the bytes of a PDF file (A4, minimal PDF conformance, standard or embedded
/// fonts as the text needs).
///
/// Never panics: any failure inside genpdf, including a panic, comes back as [`PdfError`].
pub fn render(doc: &PdfDocument) -> Result<Vec<u8>, PdfError> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| layout::render(doc))) {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".to_owned());
            Err(PdfError::Render(format!("genpdf panicked: {message}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locale_parses_its_wire_spelling() {
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.as_str()), Some(l));
        }
        assert_eq!(Locale::parse("de-AT"), Some(Locale::De));
        assert_eq!(Locale::parse("BG_bg"), Some(Locale::Bg));
        assert_eq!(Locale::parse("fr"), None);
        assert_eq!(Locale::parse(""), None);
    }

    #[test]
    fn ascii_title() {
        let doc = PdfDocument {
            kind: DocumentType::CreditNote,
            number: "Ф 12/b".into(),
            ..PdfDocument::default()
        };
        assert_eq!(doc.ascii_title(), "credit_note __12/b");
    }

    #[test]
    fn every_title_is_distinct_per_locale() {
        for l in Locale::ALL {
            let mut titles: Vec<_> = DocumentType::ALL.iter().map(|k| title(*k, l)).collect();
            titles.sort();
            titles.dedup();
            assert_eq!(titles.len(), DocumentType::ALL.len(), "{l}");
        }
    }
}
