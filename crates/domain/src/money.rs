//! Exact money: `i64` minor units with each currency's ISO 4217 exponent; decimal strings on
//! the wire. No floats anywhere.

use std::fmt;

/// ISO 4217 codes whose minor unit is not 2 (active codes, 2024 list), sorted.
const EXPONENTS: &[(&str, u32)] = &[
    ("BHD", 3),
    ("BIF", 0),
    ("CLF", 4),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("IQD", 3),
    ("ISK", 0),
    ("JOD", 3),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("PYG", 0),
    ("RWF", 0),
    ("TND", 3),
    ("UGX", 0),
    ("UYI", 0),
    ("UYW", 4),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
];

/// Active ISO 4217 codes with a two-digit minor unit, sorted.
const TWO_DIGIT: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF",
    "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR",
    "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF",
    "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP",
    "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR",
    "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK",
    "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD",
    "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP",
    "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VES", "WST", "XCD", "YER", "ZAR",
    "ZMW", "ZWG",
];

/// The currencies whose minor unit is not 2 digits, with their exponents, sorted by code. Every
/// other known code has 2. (SQL that scales amounts per row is generated from this.)
pub fn non_two_exponents() -> impl Iterator<Item = (&'static str, u32)> {
    EXPONENTS.iter().copied()
}

/// Every ISO 4217 code the portal knows, sorted.
pub fn all_codes() -> Vec<&'static str> {
    let mut codes: Vec<&str> = TWO_DIGIT
        .iter()
        .copied()
        .chain(EXPONENTS.iter().map(|(code, _)| *code))
        .collect();
    codes.sort_unstable();
    codes
}

/// An ISO 4217 currency with its minor-unit exponent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    code: [u8; 3],
    exponent: u32,
}

impl Currency {
    /// Looks up an ISO 4217 code (upper case, e.g. `EUR`).
    pub fn from_code(code: &str) -> Option<Currency> {
        let bytes: [u8; 3] = code.as_bytes().try_into().ok()?;
        let exponent = if let Ok(i) = EXPONENTS.binary_search_by(|(c, _)| (*c).cmp(code)) {
            EXPONENTS[i].1
        } else if TWO_DIGIT.binary_search(&code).is_ok() {
            2
        } else {
            return None;
        };
        Some(Currency {
            code: bytes,
            exponent,
        })
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // The code was checked to be one of the ASCII table entries above.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Number of decimal places of the minor unit.
    pub fn exponent(&self) -> u32 {
        self.exponent
    }

    /// Formats minor units as a plain decimal string (`"-1234.50"`).
    pub fn format(&self, minor: i64) -> String {
        format_minor(minor, self.exponent)
    }

    /// Parses a plain decimal string into minor units of this currency.
    pub fn parse(&self, text: &str) -> Result<i64, MoneyError> {
        parse_minor(text, self.exponent)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a decimal string is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    /// Not a plain decimal number (`abc`, `1e5`, `1,5`, empty).
    #[error("not a decimal number")]
    NotANumber,
    /// More decimal places than the currency has.
    #[error("too many decimal places")]
    TooManyDecimals,
    /// Outside what 64-bit minor units can hold.
    #[error("amount out of range")]
    OutOfRange,
}

impl MoneyError {
    /// Stable machine code for problem+json field errors.
    pub fn code(&self) -> &'static str {
        match self {
            MoneyError::NotANumber => "invalid_number",
            MoneyError::TooManyDecimals => "too_many_decimals",
            MoneyError::OutOfRange => "out_of_range",
        }
    }
}

/// Formats `minor` units with `exponent` decimals: `format_minor(-5, 2) == "-0.05"`.
pub fn format_minor(minor: i64, exponent: u32) -> String {
    let mut out = Vec::with_capacity(24);
    write_minor(&mut out, minor, exponent);
    // only ASCII digits, a point and a sign were written
    String::from_utf8(out).unwrap_or_default()
}

/// Appends what [`format_minor`] returns to `out`.
///
/// Digits are written straight into a stack buffer (no formatting machinery, no allocation):
/// the grid writes five amounts for each of up to 200 rows per request.
pub fn write_minor(out: &mut Vec<u8>, minor: i64, exponent: u32) {
    // 20 digits of u64::MAX, a point, a sign and the leading zeros of a long fraction
    let mut buf = [0u8; 48];
    let mut at = buf.len();
    let mut rest = minor.unsigned_abs();
    let mut written = 0u32;
    // at least one integer digit, and every fraction digit (leading zeros included)
    while rest > 0 || written <= exponent {
        if written == exponent && exponent > 0 {
            at -= 1;
            buf[at] = b'.';
        }
        at -= 1;
        buf[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        written += 1;
        // only an exponent no currency has (over 24) could get here
        if at < 2 {
            break;
        }
    }
    if minor < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    out.extend_from_slice(&buf[at..]);
}

/// Parses a plain decimal (`-12`, `12.3`, `0.05`) into minor units with `exponent` decimals.
/// Extra trailing zeros are accepted (`1.500` for a 2-decimal currency); other extra digits are not.
pub fn parse_minor(text: &str, exponent: u32) -> Result<i64, MoneyError> {
    parse_scaled(text, exponent, true)
}

/// Parses a non-negative or signed decimal into an integer scaled by `10^exponent`.
/// Used for money, quantities (3 decimals) and percentages (2 decimals).
pub fn parse_scaled(text: &str, exponent: u32, allow_negative: bool) -> Result<i64, MoneyError> {
    let s = text.trim();
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) if allow_negative => (true, rest),
        Some(_) => return Err(MoneyError::NotANumber),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    let valid = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !valid(int_part)
        || !valid(frac_part)
        || (digits.contains('.') && frac_part.is_empty() && int_part.is_empty())
    {
        return Err(MoneyError::NotANumber);
    }
    let frac_trimmed = frac_part.trim_end_matches('0');
    if frac_trimmed.len() > exponent as usize {
        return Err(MoneyError::TooManyDecimals);
    }
    let int_value: i128 = if int_part.is_empty() {
        0
    } else if int_part.len() > 20 {
        return Err(MoneyError::OutOfRange);
    } else {
        int_part.parse().map_err(|_| MoneyError::OutOfRange)?
    };
    let mut frac_value: i128 = 0;
    for i in 0..exponent as usize {
        let digit = frac_trimmed
            .as_bytes()
            .get(i)
            .map_or(0, |b| i128::from(b - b'0'));
        frac_value = frac_value * 10 + digit;
    }
    let scaled = int_value * 10i128.pow(exponent) + frac_value;
    let signed = if negative { -scaled } else { scaled };
    i64::try_from(signed).map_err(|_| MoneyError::OutOfRange)
}

/// Divides with rounding half away from zero (commercial rounding).
pub fn div_round(numerator: i128, denominator: i128) -> i128 {
    debug_assert!(denominator > 0);
    let q = numerator / denominator;
    let r = numerator % denominator;
    if r.abs() * 2 >= denominator {
        q + numerator.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_minor_units() {
        assert_eq!(format_minor(123450, 2), "1234.50");
        assert_eq!(format_minor(-5, 2), "-0.05");
        assert_eq!(format_minor(0, 2), "0.00");
        assert_eq!(format_minor(1000, 0), "1000");
        assert_eq!(format_minor(-1234, 3), "-1.234");
        assert_eq!(format_minor(i64::MIN, 2), "-92233720368547758.08");
        assert_eq!(format_minor(i64::MAX, 0), "9223372036854775807");
        assert_eq!(format_minor(7, 4), "0.0007");
        assert_eq!(format_minor(-120, 0), "-120");
        assert_eq!(format_minor(-100, 2), "-1.00");
        assert_eq!(format_minor(5, 18), "0.000000000000000005");
    }

    #[test]
    fn parses_decimal_strings_exactly() {
        assert_eq!(parse_minor("1234.50", 2), Ok(123450));
        assert_eq!(parse_minor("1234.5", 2), Ok(123450));
        assert_eq!(parse_minor("0.1", 2), Ok(10));
        assert_eq!(parse_minor("-0.05", 2), Ok(-5));
        assert_eq!(parse_minor("12", 2), Ok(1200));
        assert_eq!(parse_minor(".5", 2), Ok(50));
        assert_eq!(parse_minor("1.500", 2), Ok(150));
        assert_eq!(parse_minor("7", 0), Ok(7));
        assert_eq!(parse_minor("+3.1", 2), Ok(310));
    }

    #[test]
    fn rejects_what_is_not_an_amount() {
        for bad in [
            "", "abc", "1e5", "1,5", "-", ".", "1.2.3", " - 1", "--1", "NaN", "١٢",
        ] {
            assert_eq!(parse_minor(bad, 2), Err(MoneyError::NotANumber), "{bad:?}");
        }
        assert_eq!(parse_minor("1.234", 2), Err(MoneyError::TooManyDecimals));
        assert_eq!(parse_minor("0.5", 0), Err(MoneyError::TooManyDecimals));
        assert_eq!(
            parse_minor("99999999999999999999999", 2),
            Err(MoneyError::OutOfRange)
        );
        assert_eq!(
            parse_minor("92233720368547758.08", 2),
            Err(MoneyError::OutOfRange)
        );
        assert_eq!(parse_scaled("-1", 2, false), Err(MoneyError::NotANumber));
    }

    #[test]
    fn round_trips_every_small_amount() {
        for minor in -2000..2000 {
            assert_eq!(parse_minor(&format_minor(minor, 2), 2), Ok(minor));
            assert_eq!(parse_minor(&format_minor(minor, 3), 3), Ok(minor));
        }
    }

    #[test]
    fn knows_iso_exponents() {
        assert_eq!(Currency::from_code("EUR").map(|c| c.exponent()), Some(2));
        assert_eq!(Currency::from_code("BGN").map(|c| c.exponent()), Some(2));
        assert_eq!(Currency::from_code("JPY").map(|c| c.exponent()), Some(0));
        assert_eq!(Currency::from_code("KWD").map(|c| c.exponent()), Some(3));
        assert_eq!(Currency::from_code("eur"), None);
        assert_eq!(Currency::from_code("XYZ"), None);
        assert_eq!(Currency::from_code("EURO"), None);
        let mut sorted = TWO_DIGIT.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, TWO_DIGIT, "binary search needs a sorted table");
        let mut sorted = EXPONENTS.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, EXPONENTS, "binary search needs a sorted table");
        for (code, exponent) in EXPONENTS {
            assert_eq!(
                Currency::from_code(code).map(|c| c.exponent()),
                Some(*exponent)
            );
        }
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(-5, 10), -1);
        assert_eq!(div_round(4, 10), 0);
        assert_eq!(div_round(-4, 10), 0);
        assert_eq!(div_round(15, 10), 2);
        assert_eq!(div_round(25, 10), 3);
    }
}
