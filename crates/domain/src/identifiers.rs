//! Bank and tax identifiers as people type them: IBAN (checked by its ISO 13616 checksum), BIC,
//! VAT numbers (checked against their country's format) and country codes. Each parser
//! normalises (spaces out, upper case) and returns the [`FieldError`] naming the field.

use portal_types::FieldError;

/// Upper case without spaces, dashes or dots (how IBANs and VAT numbers are printed).
fn compact(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.'))
        .flat_map(char::to_uppercase)
        .collect()
}

/// An IBAN: a country code, two check digits and up to 30 letters and digits, whose ISO 7064
/// mod-97 checksum is 1. Returned compact (`BG80BNBG96611020345678`).
pub fn iban(field: &str, value: &str) -> Result<String, FieldError> {
    let iban = compact(value);
    // ASCII first: the slices below are by byte.
    let shape = iban.is_ascii()
        && (15..=34).contains(&iban.len())
        && iban.chars().all(|c| c.is_ascii_alphanumeric())
        && iban[..2].chars().all(|c| c.is_ascii_uppercase())
        && iban[2..4].chars().all(|c| c.is_ascii_digit());
    if !shape {
        return Err(FieldError::new(field, "invalid_iban", "not an IBAN"));
    }
    // Move the first four characters to the end, letters as 10..35, remainder mod 97.
    let rearranged = iban[4..].chars().chain(iban[..4].chars());
    let mut remainder: u32 = 0;
    for c in rearranged {
        let value = c.to_digit(36).unwrap_or(0);
        remainder = if value >= 10 {
            (remainder * 100 + value) % 97
        } else {
            (remainder * 10 + value) % 97
        };
    }
    if remainder == 1 {
        Ok(iban)
    } else {
        Err(FieldError::new(
            field,
            "invalid_iban_checksum",
            "the IBAN's check digits do not match: a character is wrong or missing",
        ))
    }
}

/// A BIC: 4 letters (bank), 2 letters (country), 2 letters or digits (place), optionally 3
/// letters or digits (branch).
pub fn bic(field: &str, value: &str) -> Result<String, FieldError> {
    let bic = compact(value);
    let ok = bic.is_ascii()
        && matches!(bic.len(), 8 | 11)
        && bic[..6].chars().all(|c| c.is_ascii_uppercase())
        && bic[6..].chars().all(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(bic)
    } else {
        Err(FieldError::new(
            field,
            "invalid_bic",
            "not a BIC (8 or 11 letters and digits)",
        ))
    }
}

/// An ISO 3166-1 alpha-2 code, upper case.
pub fn country(field: &str, value: &str) -> Result<String, FieldError> {
    let code = value.trim().to_ascii_uppercase();
    if code.len() == 2 && code.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(FieldError::new(
            field,
            "invalid_country",
            "not a two-letter country code (ISO 3166-1)",
        ))
    }
}

/// The formats of VAT numbers after the country prefix: `9` a digit, `A` a letter, `X` a letter
/// or digit, anything else itself. One entry per country, several formats where the country has
/// several. EU member states (Greece as `EL`, Northern Ireland as `XI`), the United Kingdom,
/// Switzerland and Norway.
const VAT_FORMATS: &[(&str, &[&str])] = &[
    ("AT", &["U99999999"]),
    ("BE", &["9999999999"]),
    ("BG", &["999999999", "9999999999"]),
    (
        "CH",
        &[
            "E999999999",
            "E999999999MWST",
            "E999999999TVA",
            "E999999999IVA",
        ],
    ),
    ("CY", &["99999999A"]),
    ("CZ", &["99999999", "999999999", "9999999999"]),
    ("DE", &["999999999"]),
    ("DK", &["99999999"]),
    ("EE", &["999999999"]),
    ("EL", &["999999999"]),
    ("ES", &["X9999999X"]),
    ("FI", &["99999999"]),
    ("FR", &["XX999999999"]),
    ("GB", &["999999999", "999999999999", "GD999", "HA999"]),
    ("HR", &["99999999999"]),
    ("HU", &["99999999"]),
    ("IE", &["9999999A", "9A99999A", "9999999AA"]),
    ("IT", &["99999999999"]),
    ("LT", &["999999999", "999999999999"]),
    ("LU", &["99999999"]),
    ("LV", &["99999999999"]),
    ("MT", &["99999999"]),
    ("NL", &["999999999B99"]),
    ("NO", &["999999999MVA"]),
    ("PL", &["9999999999"]),
    ("PT", &["999999999"]),
    (
        "RO",
        &[
            "99",
            "999",
            "9999",
            "99999",
            "999999",
            "9999999",
            "99999999",
            "999999999",
            "9999999999",
        ],
    ),
    ("SE", &["999999999999"]),
    ("SI", &["99999999"]),
    ("SK", &["9999999999"]),
    ("XI", &["999999999", "999999999999", "GD999", "HA999"]),
];

fn matches_format(value: &str, format: &str) -> bool {
    value.len() == format.len()
        && value.chars().zip(format.chars()).all(|(c, f)| match f {
            '9' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            'X' => c.is_ascii_uppercase() || c.is_ascii_digit(),
            literal => c == literal,
        })
}

/// A VAT number with its country prefix (`BG123456789`, `DE 123 456 789`), in its country's
/// format. Returned compact. A prefix we have no format for is refused rather than waved
/// through.
pub fn vat_number(field: &str, value: &str) -> Result<String, FieldError> {
    let vat = compact(value);
    if !vat.is_ascii() || vat.len() < 4 || !vat[..2].chars().all(|c| c.is_ascii_uppercase()) {
        return Err(FieldError::new(
            field,
            "invalid_vat_number",
            "a VAT number starts with its two-letter country prefix (BG, DE, ES, …)",
        ));
    }
    let (prefix, rest) = vat.split_at(2);
    let Some((_, formats)) = VAT_FORMATS.iter().find(|(p, _)| *p == prefix) else {
        return Err(FieldError::new(
            field,
            "unknown_vat_country",
            format!("no VAT number format is known for the prefix {prefix}"),
        ));
    };
    if formats.iter().any(|f| matches_format(rest, f)) {
        Ok(vat)
    } else {
        Err(FieldError::new(
            field,
            "invalid_vat_number",
            format!("not a VAT number of the format used in {prefix}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code<T: std::fmt::Debug>(r: Result<T, FieldError>) -> String {
        r.expect_err("an error").code
    }

    #[test]
    fn ibans_are_checked_by_their_checksum() {
        // published examples (ISO 13616 / national registries)
        for good in [
            "BG80BNBG96611020345678",
            "DE89 3704 0044 0532 0130 00",
            "es91 2100 0418 4502 0005 1332",
            "GB82WEST12345698765432",
            "FR1420041010050500013M02606",
        ] {
            assert!(iban("iban", good).is_ok(), "{good}");
        }
        assert_eq!(
            iban("iban", "DE89 3704 0044 0532 0130 00").expect("valid"),
            "DE89370400440532013000"
        );
        // one digit changed, two digits swapped
        assert_eq!(
            code(iban("iban", "DE89370400440532013001")),
            "invalid_iban_checksum"
        );
        assert_eq!(
            code(iban("iban", "DE89370400440532031000")),
            "invalid_iban_checksum"
        );
        for bad in ["", "DE89", "12345678901234567", "DE8937040044053201300!"] {
            assert_eq!(code(iban("iban", bad)), "invalid_iban", "{bad}");
        }
    }

    /// Characters of several bytes where the parsers slice by byte: refused, never a panic.
    #[test]
    fn any_text_is_refused_or_accepted_without_a_panic() {
        for text in [
            "\u{1330f}\u{1330f}\u{1330f}",
            "Dä890000000000000",
            "AAAAAäB",
            "ÄÖÜ1234567890123",
            "²Q1ø",
            "BGäö12345678",
            "€",
        ] {
            let _ = iban("iban", text);
            let _ = bic("bic", text);
            let _ = vat_number("vat_number", text);
            let _ = country("country", text);
            assert!(
                iban("iban", text).is_err() && bic("bic", text).is_err(),
                "{text}"
            );
            assert!(vat_number("vat_number", text).is_err(), "{text}");
        }
    }

    #[test]
    fn bics_and_countries() {
        assert_eq!(bic("bic", "bnbg bgsd").expect("valid"), "BNBGBGSD");
        assert!(bic("bic", "DEUTDEFF500").is_ok());
        assert_eq!(code(bic("bic", "DEUTDEF")), "invalid_bic");
        assert_eq!(code(bic("bic", "1EUTDEFF")), "invalid_bic");
        assert_eq!(country("country", " bg").expect("valid"), "BG");
        assert_eq!(code(country("country", "BGR")), "invalid_country");
    }

    #[test]
    fn vat_numbers_follow_their_countrys_format() {
        for good in [
            "BG123456789",
            "BG1234567890",
            "DE 123 456 789",
            "ESX1234567Z",
            "ES12345678Z",
            "ATU12345678",
            "NL123456789B01",
            "FR4Z123456789",
            "EL123456789",
            "CHE123456789MWST",
        ] {
            assert!(vat_number("vat_number", good).is_ok(), "{good}");
        }
        assert_eq!(
            vat_number("vat_number", "de 123.456.789").expect("valid"),
            "DE123456789"
        );
        for (bad, why) in [
            ("DE12345678", "invalid_vat_number"),
            ("ATX12345678", "invalid_vat_number"),
            ("123456789", "invalid_vat_number"),
            ("ZZ123456789", "unknown_vat_country"),
            ("NL123456789C01", "invalid_vat_number"),
        ] {
            assert_eq!(code(vat_number("vat_number", bad)), why, "{bad}");
        }
    }
}
