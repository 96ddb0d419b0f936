//! The EPC QR code (EPC069-12, "Girocode"): a SEPA credit transfer a banking app reads from the
//! invoice — beneficiary, IBAN, amount and reference — so the customer types nothing.
//!
//! Version 002, UTF-8, identification `SCT`; the BIC is optional in 002 and left out when the
//! issuer has none. The amount is what remains to pay, in euro (the code is for EUR only); the
//! reference is the document number as unstructured remittance, or, where the issuer uses them,
//! an ISO 11649 RF creditor reference built from it as the structured one (a bank matches it to
//! the invoice without a person reading it). Error correction M, QR version
//! at most 13, payload at most 331 bytes: a long name is shortened (by characters) to fit.

use qrcode::types::{Color, QrError};
use qrcode::{EcLevel, QrCode, Version};

use crate::identifiers;

/// Longest payload the guideline allows, in bytes.
pub const MAX_PAYLOAD_BYTES: usize = 331;
/// Largest amount a code may carry, in cents (999,999,999.99 EUR).
pub const MAX_AMOUNT_CENTS: i64 = 99_999_999_999;

/// A credit transfer to print as a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer<'a> {
    /// The beneficiary (the issuer), 1–70 characters after trimming; longer names are cut.
    pub name: &'a str,
    /// The beneficiary's IBAN, as stored or typed (spaces allowed).
    pub iban: &'a str,
    /// The BIC, if the issuer has one (left out when not a valid BIC).
    pub bic: Option<&'a str>,
    /// The amount in euro cents, 1 ..= [`MAX_AMOUNT_CENTS`].
    pub amount_cents: i64,
    /// What the customer's bank passes on to the issuer: the document number (cut at 140), or
    /// an RF creditor reference when `structured`.
    pub remittance: &'a str,
    /// `remittance` is an ISO 11649 creditor reference (see [`creditor_reference`]).
    pub structured: bool,
}

/// Why a transfer cannot be printed as a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EpcError {
    /// The IBAN is not one (shape or checksum).
    #[error("not a valid IBAN")]
    Iban,
    /// Nothing to pay, or more than a code may carry.
    #[error("the amount is outside 0.01–999,999,999.99")]
    Amount,
    /// No beneficiary name.
    #[error("the beneficiary has no name")]
    Name,
    /// A structured reference that is not an ISO 11649 creditor reference.
    #[error("not an RF creditor reference")]
    Reference,
}

/// The ISO 11649 creditor reference made of `number`'s letters and digits (`RF`, two check
/// digits, then up to 21 characters): `2026-0042` becomes `RF8820260042`. `None` when the
/// number has no letter or digit, or more than 21 of them (the number goes as text then).
pub fn creditor_reference(number: &str) -> Option<String> {
    let reference: String = number
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if reference.is_empty() || reference.len() > 21 {
        return None;
    }
    // ISO 7064 MOD 97-10 over the reference followed by `RF00`, letters as 10–35.
    let check = 98 - mod97(reference.chars().chain("RF00".chars()))?;
    Some(format!("RF{check:02}{reference}"))
}

/// Whether `reference` is a creditor reference: `RF`, two check digits and 1–21 letters or
/// digits whose MOD 97-10 checksum holds.
pub fn is_creditor_reference(reference: &str) -> bool {
    let body = reference.get(4..).unwrap_or_default();
    reference.starts_with("RF")
        && reference.len() > 4
        && body.len() <= 21
        && reference
            .bytes()
            .skip(2)
            .take(2)
            .all(|b| b.is_ascii_digit())
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
        && mod97(body.chars().chain(reference.chars().take(4))) == Some(1)
}

/// The remainder by 97 of the digits `chars` stand for (a letter as two digits, A = 10);
/// `None` for any other character.
fn mod97(chars: impl Iterator<Item = char>) -> Option<u32> {
    let mut rest = 0u32;
    for c in chars {
        let value = c.to_digit(36)?;
        rest = if value < 10 {
            (rest * 10 + value) % 97
        } else {
            (rest * 100 + value) % 97
        };
    }
    Some(rest)
}

/// A reference as people read and type it: an RF creditor reference in groups of four
/// (`RF18 5390 0754 7034`), anything else as it is.
pub fn printed_reference(reference: &str) -> String {
    if is_creditor_reference(reference) {
        in_fours(reference)
    } else {
        reference.to_owned()
    }
}

/// `text` in groups of four characters, as IBANs and RF references are printed.
pub fn in_fours(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(4)
        .map(|g| g.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The reference a payload carries: the structured one when there is one, else the text.
pub fn reference_of(payload: &str) -> &str {
    let mut lines = payload.split('\n').skip(9);
    match (lines.next(), lines.next()) {
        (Some(structured), _) if !structured.is_empty() => structured,
        (_, Some(text)) => text,
        _ => "",
    }
}

/// One line of the payload: line breaks and other control characters out (a line break would
/// shift every element after it), surrounding spaces trimmed, at most `max` characters.
fn element(value: &str, max: usize) -> String {
    let cleaned: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned
        .trim()
        .chars()
        .take(max)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

/// The payload's text, lines separated by LF, nothing after the remittance.
pub fn payload(transfer: &Transfer<'_>) -> Result<String, EpcError> {
    let iban = identifiers::iban("iban", transfer.iban).map_err(|_| EpcError::Iban)?;
    if !(1..=MAX_AMOUNT_CENTS).contains(&transfer.amount_cents) {
        return Err(EpcError::Amount);
    }
    let bic = transfer
        .bic
        .and_then(|b| identifiers::bic("bic", b).ok())
        .unwrap_or_default();
    let amount = format!(
        "EUR{}.{:02}",
        transfer.amount_cents / 100,
        transfer.amount_cents % 100
    );
    let mut name = element(transfer.name, 70);
    if name.is_empty() {
        return Err(EpcError::Name);
    }
    if transfer.structured {
        if !is_creditor_reference(transfer.remittance) {
            return Err(EpcError::Reference);
        }
        // Purpose empty, the structured reference, and no text after it; the rest is at most
        // 131 bytes, so a name of any 70 characters fits.
        let reference = transfer.remittance;
        return Ok(format!(
            "BCD\n002\n1\nSCT\n{bic}\n{name}\n{iban}\n{amount}\n\n{reference}"
        ));
    }
    let mut remittance = element(transfer.remittance, 140);
    loop {
        // Purpose and structured reference empty; the reference is unstructured.
        let text = format!("BCD\n002\n1\nSCT\n{bic}\n{name}\n{iban}\n{amount}\n\n\n{remittance}");
        if text.len() <= MAX_PAYLOAD_BYTES {
            return Ok(text);
        }
        // Only multi-byte characters get here (the rest is at most 105 bytes): a character off
        // the longer of the two, so both keep a part (the name at least one character).
        if name.len() > remittance.len() {
            name.pop();
        } else {
            remittance.pop();
        }
    }
}

/// A QR symbol as modules: `width` × `width`, row by row, `true` for dark. Without the quiet
/// zone (four light modules on each side), which the drawing adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Modules per side.
    pub width: usize,
    /// `width * width` modules, row by row.
    pub dark: Vec<bool>,
}

impl Symbol {
    /// Whether the module in `row`, `column` is dark.
    pub fn is_dark(&self, row: usize, column: usize) -> bool {
        self.dark[row * self.width + column]
    }

    /// The runs of dark modules, row by row: `(row, first column, one past the last)` — what a
    /// drawing fills (a PDF's strokes, an SVG path's rectangles).
    pub fn runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for row in 0..self.width {
            let mut column = 0;
            while column < self.width {
                if self.is_dark(row, column) {
                    let start = column;
                    while column < self.width && self.is_dark(row, column) {
                        column += 1;
                    }
                    runs.push((row, start, column));
                } else {
                    column += 1;
                }
            }
        }
        runs
    }
}

/// The payload as a QR symbol with error correction M, at most version 13 as the guideline
/// asks (a payload of at most 331 bytes always fits).
pub fn symbol(payload: &str) -> Result<Symbol, QrError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)?;
    if !matches!(code.version(), Version::Normal(v) if v <= 13) {
        return Err(QrError::DataTooLong);
    }
    Ok(Symbol {
        width: code.width(),
        dark: code
            .to_colors()
            .into_iter()
            .map(|c| c == Color::Dark)
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transfer(amount_cents: i64) -> Transfer<'static> {
        Transfer {
            name: "Demo Trading Ltd",
            iban: "BG80 BNBG 9661 1020 3456 78",
            bic: Some("BNBGBGSD"),
            amount_cents,
            remittance: "0000000123",
            structured: false,
        }
    }

    #[test]
    fn creditor_references_match_iso_11649s_examples() {
        // The standard's own example; the others computed apart, with Python's big integers:
        // 98 - int(digits of reference + "RF00") % 97.
        assert!(is_creditor_reference("RF18539007547034"));
        assert_eq!(
            creditor_reference("5390 0754 7034").as_deref(),
            Some("RF18539007547034")
        );
        assert!(is_creditor_reference("RF712348231"));
        assert_eq!(
            creditor_reference("2348231").as_deref(),
            Some("RF712348231")
        );
        assert!(!is_creditor_reference("RF19539007547034"));
        assert!(!is_creditor_reference("RF18539007547043"));
        assert!(!is_creditor_reference("RF18"));
        assert!(!is_creditor_reference("rf18539007547034"));
        assert!(!is_creditor_reference("RF1853900754703 4"));
        // Letters count as two digits, lower case is folded, separators dropped.
        assert_eq!(
            creditor_reference("inv-2026/0042").as_deref(),
            Some("RF73INV20260042")
        );
        assert_eq!(
            creditor_reference("2026-0042").as_deref(),
            Some("RF8820260042")
        );
        assert_eq!(creditor_reference("—/—"), None);
        assert_eq!(creditor_reference(&"9".repeat(22)), None);
        assert!(is_creditor_reference(
            &creditor_reference(&"Z".repeat(21)).expect("test value")
        ));
    }

    #[test]
    fn a_creditor_reference_goes_in_the_structured_element() {
        let mut t = transfer(100);
        t.remittance = "RF18539007547034";
        t.structured = true;
        let text = payload(&t).expect("test value");
        assert_eq!(
            text,
            "BCD\n002\n1\nSCT\nBNBGBGSD\nDemo Trading Ltd\nBG80BNBG96611020345678\nEUR1.00\n\nRF18539007547034"
        );
        assert_eq!(reference_of(&text), "RF18539007547034");
        assert_eq!(printed_reference("RF18539007547034"), "RF18 5390 0754 7034");
        assert_eq!(printed_reference("2026-000042"), "2026-000042");
        assert_eq!(
            reference_of(&payload(&transfer(100)).expect("test value")),
            "0000000123"
        );
        t.remittance = "0000000123";
        assert_eq!(payload(&t), Err(EpcError::Reference));
    }

    #[test]
    fn the_payload_has_the_twelve_element_layout_of_version_002() {
        // Written out by hand from EPC069-12's element table.
        assert_eq!(
            payload(&transfer(123_456)).expect("test value"),
            "BCD\n002\n1\nSCT\nBNBGBGSD\nDemo Trading Ltd\nBG80BNBG96611020345678\nEUR1234.56\n\n\n0000000123"
        );
        assert_eq!(
            payload(&transfer(5)).expect("test value").lines().nth(7),
            Some("EUR0.05")
        );
    }

    #[test]
    fn the_bic_is_left_out_when_missing_or_malformed() {
        let mut t = transfer(100);
        t.bic = None;
        assert_eq!(payload(&t).expect("test value").lines().nth(4), Some(""));
        t.bic = Some("not a bic");
        assert_eq!(payload(&t).expect("test value").lines().nth(4), Some(""));
    }

    #[test]
    fn amounts_outside_the_range_and_bad_ibans_make_no_code() {
        assert_eq!(payload(&transfer(0)), Err(EpcError::Amount));
        assert_eq!(payload(&transfer(-100)), Err(EpcError::Amount));
        assert_eq!(
            payload(&transfer(MAX_AMOUNT_CENTS + 1)),
            Err(EpcError::Amount)
        );
        assert!(
            payload(&transfer(MAX_AMOUNT_CENTS))
                .expect("test value")
                .contains("\nEUR999999999.99\n")
        );
        let mut t = transfer(100);
        t.iban = "BG81BNBG96611020345678";
        assert_eq!(payload(&t), Err(EpcError::Iban));
        t.iban = "BG80BNBG96611020345678";
        t.name = " \n ";
        assert_eq!(payload(&t), Err(EpcError::Name));
    }

    #[test]
    fn line_breaks_in_a_name_cannot_shift_the_elements() {
        let mut t = transfer(100);
        t.name = "Demo\nTrading\r\nLtd";
        let text = payload(&t).expect("test value");
        assert_eq!(text.lines().count(), 11);
        assert_eq!(text.lines().nth(5), Some("Demo Trading  Ltd"));
    }

    #[test]
    fn names_and_references_are_cut_to_their_lengths_and_the_payload_to_331_bytes() {
        let mut t = transfer(100);
        let latin = "L".repeat(100);
        t.name = &latin;
        let reference = "R".repeat(200);
        t.remittance = &reference;
        let text = payload(&t).expect("test value");
        assert_eq!(text.lines().nth(5).expect("test value").len(), 70);
        assert_eq!(text.lines().nth(10).expect("test value").len(), 140);

        // 70 Cyrillic letters (140 bytes) and 140 three-byte signs (420 bytes) cannot both fit.
        let long = "Ж".repeat(100);
        t.name = &long;
        let signs = "№".repeat(200);
        t.remittance = &signs;
        let text = payload(&t).expect("test value");
        assert!(text.len() <= MAX_PAYLOAD_BYTES, "{} bytes", text.len());
        assert!(
            text.len() > MAX_PAYLOAD_BYTES - 3,
            "cut no more than needed"
        );
        let name = text.lines().nth(5).expect("test value");
        let remittance = text.lines().nth(10).expect("test value");
        assert!(!name.is_empty() && long.starts_with(name));
        assert!(!remittance.is_empty() && signs.starts_with(remittance));
    }

    #[test]
    fn runs_cover_exactly_the_dark_modules() {
        let symbol = symbol("BCD\n002\n1\nSCT\n").expect("test value");
        let mut drawn = vec![false; symbol.width * symbol.width];
        for (row, start, end) in symbol.runs() {
            assert!(start < end);
            for column in start..end {
                assert!(!drawn[row * symbol.width + column], "drawn twice");
                drawn[row * symbol.width + column] = true;
            }
        }
        assert_eq!(drawn, symbol.dark);
    }

    #[test]
    fn the_largest_payload_fits_version_13_at_level_m() {
        let mut t = transfer(MAX_AMOUNT_CENTS);
        let name = "Ж".repeat(70);
        let remittance = "R".repeat(140);
        t.name = &name;
        t.remittance = &remittance;
        let text = payload(&t).expect("test value");
        let s = symbol(&text).expect("test value");
        // Version v is 17 + 4v modules wide.
        assert!(s.width <= 17 + 4 * 13, "{} modules", s.width);
        assert_eq!(s.dark.len(), s.width * s.width);
        // The three finder patterns: a dark 7×7 ring in the corners.
        for (r, c) in [(0, 0), (0, s.width - 7), (s.width - 7, 0)] {
            assert!(s.is_dark(r, c) && s.is_dark(r + 6, c + 6) && !s.is_dark(r + 1, c + 1));
        }
    }
}
