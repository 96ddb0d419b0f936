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

/// The check digit of a Bulgarian ЕИК/БУЛСТАТ over `digits` with two weight sets: the first
/// remainder mod 11, else (when it is 10) the second, else 0.
fn bg_check(digits: &[u32], first: &[u32], second: &[u32]) -> u32 {
    let sum = |w: &[u32]| digits.iter().zip(w).map(|(d, w)| d * w).sum::<u32>() % 11;
    match sum(first) {
        10 => match sum(second) {
            10 => 0,
            r => r,
        },
        r => r,
    }
}

/// A Bulgarian ЕИК/БУЛСТАТ: 9 digits (companies) or 13 (branches), with their check digits.
fn bg_uic(id: &str) -> bool {
    let digits: Vec<u32> = id.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != id.len() || !matches!(digits.len(), 9 | 13) {
        return false;
    }
    let nine = bg_check(
        &digits[..8],
        &[1, 2, 3, 4, 5, 6, 7, 8],
        &[3, 4, 5, 6, 7, 8, 9, 10],
    ) == digits[8];
    if digits.len() == 9 {
        return nine;
    }
    nine && bg_check(&digits[8..12], &[2, 7, 3, 5], &[4, 9, 5, 7]) == digits[12]
}

/// A Spanish NIF: a DNI (8 digits and a check letter), an NIE (X, Y or Z, 7 digits and a check
/// letter) or a company's CIF (a letter, 7 digits and a check digit or letter).
fn es_nif(id: &str) -> bool {
    const LETTERS: &[u8] = b"TRWAGMYFPDXBNJZSQVHLCKE";
    let b = id.as_bytes();
    if b.len() != 9 || !id.is_ascii() {
        return false;
    }
    let personal = |number: &str, letter: u8| {
        number.bytes().all(|c| c.is_ascii_digit())
            && number
                .parse::<usize>()
                .is_ok_and(|n| LETTERS[n % 23] == letter)
    };
    match b[0] {
        b'0'..=b'9' => personal(&id[..8], b[8]),
        b'X' | b'Y' | b'Z' => {
            let lead = char::from(b'0' + (b[0] - b'X'));
            personal(&format!("{lead}{}", &id[1..8]), b[8])
        }
        b'A'..=b'H' | b'J' | b'N' | b'P'..=b'S' | b'U'..=b'W' => {
            let digits: Option<Vec<u32>> = id[1..8].chars().map(|c| c.to_digit(10)).collect();
            let Some(digits) = digits else { return false };
            let sum: u32 = digits
                .iter()
                .enumerate()
                .map(|(i, &d)| {
                    if i % 2 == 0 {
                        (2 * d) / 10 + (2 * d) % 10
                    } else {
                        d
                    }
                })
                .sum();
            let check = (10 - sum % 10) % 10;
            b[8] == b'0' + check as u8 || b[8] == b"JABCDEFGHI"[check as usize]
        }
        _ => false,
    }
}

/// A company's tax or registration number, checked by the rules of `country` (ISO 3166-1) where
/// we know them: Bulgaria's ЕИК/БУЛСТАТ (9 or 13 digits with check digits), Spain's NIF/CIF
/// (with its check character), Germany's Steuernummer (10 to 13 digits, slashes and spaces
/// allowed). Elsewhere letters, digits and `-/. ` up to 30 characters. Returned compact for BG
/// and ES, as typed (trimmed) elsewhere.
pub fn tax_id(field: &str, value: &str, country: &str) -> Result<String, FieldError> {
    let trimmed = value.trim();
    let compact = compact(trimmed);
    let refuse = |what: &str| Err(FieldError::new(field, "invalid_tax_id", what.to_string()));
    match country {
        "BG" if bg_uic(&compact) => Ok(compact),
        "BG" => refuse("not a Bulgarian UIC (ЕИК/БУЛСТАТ: 9 or 13 digits with their check digits)"),
        "ES" if es_nif(&compact) => Ok(compact),
        "ES" => refuse("not a Spanish NIF/CIF (its check character does not match)"),
        "DE" => {
            let digits = trimmed.chars().filter(|c| !matches!(c, '/' | ' ')).count();
            if trimmed
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '/' | ' '))
                && (10..=13).contains(&digits)
            {
                Ok(trimmed.to_string())
            } else {
                refuse("not a German Steuernummer (10 to 13 digits, slashes allowed)")
            }
        }
        _ if !trimmed.is_empty()
            && trimmed.chars().count() <= 30
            && trimmed
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '/' | '.' | ' ')) =>
        {
            Ok(trimmed.to_string())
        }
        _ => refuse("letters, digits and - / . only, at most 30"),
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

    #[test]
    fn tax_ids_are_checked_by_country() {
        // ЕИК of real registers' published examples and the check-digit rule worked by hand:
        // 12345678 → 1·1+2·2+…+8·8 = 204, 204 mod 11 = 6.
        assert_eq!(tax_id("t", "123456786", "BG").expect("valid"), "123456786");
        assert_eq!(code(tax_id("t", "123456789", "BG")), "invalid_tax_id");
        assert_eq!(code(tax_id("t", "12345678", "BG")), "invalid_tax_id");
        // 13 digits: digits 9 to 12 are 6000 → 6·2+0·7+0·3+0·5 = 12, 12 mod 11 = 1.
        assert_eq!(
            tax_id("t", "1234567860001", "BG").expect("valid"),
            "1234567860001"
        );
        assert_eq!(code(tax_id("t", "1234567860005", "BG")), "invalid_tax_id");
        // DNI 12345678Z (12345678 mod 23 = 14 → Z), NIE X1234567L, CIF B12345674 and Q1234567D
        // (odd places doubled, digit sums: 2+2+6+4+1+6+5 = 26 → (10 − 6) = 4 → D).
        assert_eq!(tax_id("t", "12345678-z", "ES").expect("valid"), "12345678Z");
        assert_eq!(code(tax_id("t", "12345678A", "ES")), "invalid_tax_id");
        assert_eq!(tax_id("t", "X1234567L", "ES").expect("valid"), "X1234567L");
        assert_eq!(tax_id("t", "B12345674", "ES").expect("valid"), "B12345674");
        assert_eq!(tax_id("t", "Q1234567D", "ES").expect("valid"), "Q1234567D");
        assert_eq!(code(tax_id("t", "B12345675", "ES")), "invalid_tax_id");
        assert_eq!(
            tax_id("t", "143/215/50213", "DE").expect("valid"),
            "143/215/50213"
        );
        assert_eq!(code(tax_id("t", "143/215", "DE")), "invalid_tax_id");
        assert_eq!(tax_id("t", " 08123456 ", "GB").expect("valid"), "08123456");
        assert_eq!(code(tax_id("t", "<script>", "GB")), "invalid_tax_id");
    }
}
