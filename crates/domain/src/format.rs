//! Locale formatting of money, plain amounts, quantities, percentages and dates — exact, with
//! integers and strings only, never floats.
//!
//! | locale | money (EUR) | money (other) | amount | percent | date |
//! |---|---|---|---|---|---|
//! | `bg` | `1 234,50 €` | `1 234,50 лв.` (BGN), `1 234,50 USD` | `1 234,50` | `20%` | `05.01.2025 г.` |
//! | `en` | `€1,234.50` | `$1,234.50` (USD), `£…` (GBP), `BGN 1,234.50` | `1,234.50` | `20%` | `5 Jan 2025` |
//! | `de` | `1.234,50 €` | `1.234,50 BGN` | `1.234,50` | `20 %` | `05.01.2025` |
//! | `es` | `1.234,50 €` | `1.234,50 BGN` | `1.234,50` | `20 %` | `05/01/2025` |
//!
//! The spaces shown are NO-BREAK SPACEs (U+00A0), as CLDR has them, so an amount is never
//! wrapped across lines. Negative values get a leading `-` (`-1.234,50 €`, `-€1,234.50`).

use crate::locale::Locale;
use chrono::{Datelike, NaiveDate};

/// NO-BREAK SPACE, used as the Bulgarian group separator and between amount and currency.
pub const NBSP: char = '\u{a0}';

/// The largest currency exponent honoured; larger values are treated as this (an `i64` has 19
/// digits, so nothing meaningful is lost).
pub const MAX_EXPONENT: u32 = 18;

fn separators(locale: Locale) -> (char, char) {
    match locale {
        Locale::Bg => (NBSP, ','),
        Locale::En => (',', '.'),
        Locale::De | Locale::Es => ('.', ','),
    }
}

/// Inserts `group` every three digits from the right of a run of ASCII digits.
fn group_digits(digits: &str, group: char) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3 * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    out
}

/// A plain amount (no currency) from minor units: `format_amount(Locale::De, 123450, 2)` is
/// `1.234,50`; exponent 0 prints no decimals.
pub fn format_amount(locale: Locale, minor: i64, exponent: u32) -> String {
    let (group, decimal) = separators(locale);
    let exp = exponent.min(MAX_EXPONENT) as usize;
    let mut digits = minor.unsigned_abs().to_string();
    if digits.len() <= exp {
        digits = format!("{}{}", "0".repeat(exp + 1 - digits.len()), digits);
    }
    let (int, frac) = digits.split_at(digits.len() - exp);
    let mut out = String::new();
    if minor < 0 {
        out.push('-');
    }
    out.push_str(&group_digits(int, group));
    if exp > 0 {
        out.push(decimal);
        out.push_str(frac);
    }
    out
}

/// The symbol printed for `currency` in `locale`: `€` for EUR everywhere, `лв.` for BGN in
/// Bulgarian, `$` / `£` for USD / GBP in English, otherwise the ISO code itself (trimmed).
pub fn currency_symbol(locale: Locale, currency: &str) -> String {
    let code = currency.trim();
    let symbol = match (code, locale) {
        ("EUR", _) => "€",
        ("BGN", Locale::Bg) => "лв.",
        ("USD", Locale::En) => "$",
        ("GBP", Locale::En) => "£",
        _ => code,
    };
    symbol.to_owned()
}

/// An amount with its currency, as the locale writes it (see the module table):
/// `format_money(Locale::Bg, 123450, 2, "BGN")` is `1 234,50 лв.` (with no-break spaces).
/// An empty currency prints the plain amount.
pub fn format_money(locale: Locale, minor: i64, exponent: u32, currency: &str) -> String {
    let amount = format_amount(locale, minor, exponent);
    let symbol = currency_symbol(locale, currency);
    if symbol.is_empty() {
        return amount;
    }
    match locale {
        Locale::En => {
            let (sign, digits) = match amount.strip_prefix('-') {
                Some(rest) => ("-", rest),
                None => ("", amount.as_str()),
            };
            // A sign (€, $, £) sticks to the number; a code is set off by a space.
            let is_sign = symbol.chars().count() == 1 && !symbol.chars().all(char::is_alphanumeric);
            if is_sign {
                format!("{sign}{symbol}{digits}")
            } else {
                format!("{sign}{symbol}{NBSP}{digits}")
            }
        }
        Locale::Bg | Locale::De | Locale::Es => format!("{amount}{NBSP}{symbol}"),
    }
}

/// A percentage from basis points: `format_percent_bp(Locale::De, 1950)` is `19,5 %`,
/// `format_percent_bp(Locale::En, 2000)` is `20%`.
pub fn format_percent_bp(locale: Locale, bp: u32) -> String {
    let (_, decimal) = separators(locale);
    let int = bp / 100;
    let frac = bp % 100;
    let mut number = int.to_string();
    if frac != 0 {
        let frac = format!("{frac:02}");
        number.push(decimal);
        number.push_str(frac.trim_end_matches('0'));
    }
    match locale {
        Locale::En | Locale::Bg => format!("{number}%"),
        Locale::De | Locale::Es => format!("{number}{NBSP}%"),
    }
}

/// A decimal number given as a string with `.` as decimal point (`"1234.50"`, `"-2"`, `"+0.5"`)
/// in the locale's format with trailing fractional zeros removed: `1.234,5` in de, `1,234.5` in
/// en. `None` if `s` is not such a number (callers print it as given).
pub fn format_decimal_str(locale: Locale, s: &str) -> Option<String> {
    let s = s.trim();
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, f),
        None => (unsigned, ""),
    };
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_empty()) || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let frac = frac.trim_end_matches('0');
    let (group, decimal) = separators(locale);
    let mut out = String::new();
    if negative && !(int == "0" && frac.is_empty()) {
        out.push('-');
    }
    out.push_str(&group_digits(int, group));
    if !frac.is_empty() {
        out.push(decimal);
        out.push_str(frac);
    }
    Some(out)
}

const EN_MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A date as printed on documents: bg `05.01.2025 г.`, en `5 Jan 2025`, de `05.01.2025`,
/// es `05/01/2025`.
pub fn format_date(locale: Locale, date: NaiveDate) -> String {
    let (d, m, y) = (date.day(), date.month(), date.year());
    match locale {
        Locale::Bg => format!("{d:02}.{m:02}.{y:04} г."),
        Locale::En => {
            let month = EN_MONTHS
                .get(date.month0() as usize)
                .copied()
                .unwrap_or_default();
            format!("{d} {month} {y:04}")
        }
        Locale::De => format!("{d:02}.{m:02}.{y:04}"),
        Locale::Es => format!("{d:02}/{m:02}/{y:04}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn amounts_per_locale() {
        assert_eq!(format_amount(Locale::Bg, 123450, 2), "1\u{a0}234,50");
        assert_eq!(format_amount(Locale::En, 123450, 2), "1,234.50");
        assert_eq!(format_amount(Locale::De, 123450, 2), "1.234,50");
        assert_eq!(format_amount(Locale::Es, 123450, 2), "1.234,50");
        assert_eq!(format_amount(Locale::De, 0, 2), "0,00");
        assert_eq!(format_amount(Locale::De, 5, 2), "0,05");
        assert_eq!(format_amount(Locale::De, -5, 2), "-0,05");
        assert_eq!(format_amount(Locale::En, 100, 2), "1.00");
        assert_eq!(format_amount(Locale::En, 999, 2), "9.99");
        assert_eq!(format_amount(Locale::En, 100000, 2), "1,000.00");
        assert_eq!(format_amount(Locale::En, 12345678901, 2), "123,456,789.01");
        assert_eq!(format_amount(Locale::En, 1234, 0), "1,234");
        assert_eq!(format_amount(Locale::En, 1234, 3), "1.234");
        assert_eq!(format_amount(Locale::De, -123456789, 3), "-123.456,789");
    }

    #[test]
    fn extreme_amounts_do_not_panic() {
        assert_eq!(
            format_amount(Locale::En, i64::MIN, 2),
            "-92,233,720,368,547,758.08"
        );
        assert_eq!(
            format_amount(Locale::En, i64::MAX, 2),
            "92,233,720,368,547,758.07"
        );
        assert_eq!(
            format_amount(Locale::En, 1, u32::MAX),
            "0.000000000000000001"
        );
        assert_eq!(
            format_amount(Locale::En, i64::MAX, 18),
            "9.223372036854775807"
        );
        assert_eq!(
            format_amount(Locale::En, i64::MIN, 19),
            "-9.223372036854775808"
        );
    }

    #[test]
    fn money_per_locale() {
        assert_eq!(
            format_money(Locale::Bg, 123450, 2, "BGN"),
            "1\u{a0}234,50\u{a0}лв."
        );
        assert_eq!(
            format_money(Locale::Bg, 123450, 2, "EUR"),
            "1\u{a0}234,50\u{a0}€"
        );
        assert_eq!(
            format_money(Locale::Bg, 123450, 2, "USD"),
            "1\u{a0}234,50\u{a0}USD"
        );
        assert_eq!(
            format_money(Locale::De, 123450, 2, "EUR"),
            "1.234,50\u{a0}€"
        );
        assert_eq!(
            format_money(Locale::Es, 123450, 2, "EUR"),
            "1.234,50\u{a0}€"
        );
        assert_eq!(
            format_money(Locale::De, 123450, 2, "BGN"),
            "1.234,50\u{a0}BGN"
        );
        assert_eq!(format_money(Locale::En, 123450, 2, "EUR"), "€1,234.50");
        assert_eq!(format_money(Locale::En, -123450, 2, "EUR"), "-€1,234.50");
        assert_eq!(format_money(Locale::En, 123450, 2, "USD"), "$1,234.50");
        assert_eq!(format_money(Locale::En, 123450, 2, "GBP"), "£1,234.50");
        assert_eq!(
            format_money(Locale::En, 123450, 2, "BGN"),
            "BGN\u{a0}1,234.50"
        );
        assert_eq!(
            format_money(Locale::En, -123450, 2, "BGN"),
            "-BGN\u{a0}1,234.50"
        );
        assert_eq!(
            format_money(Locale::De, -123450, 2, "EUR"),
            "-1.234,50\u{a0}€"
        );
        assert_eq!(format_money(Locale::En, 1234, 0, "JPY"), "JPY\u{a0}1,234");
        assert_eq!(format_money(Locale::De, 1234, 2, ""), "12,34");
        assert_eq!(format_money(Locale::De, 1234, 2, " EUR "), "12,34\u{a0}€");
    }

    #[test]
    fn percentages() {
        assert_eq!(format_percent_bp(Locale::En, 2000), "20%");
        assert_eq!(format_percent_bp(Locale::Bg, 2000), "20%");
        assert_eq!(format_percent_bp(Locale::De, 1950), "19,5\u{a0}%");
        assert_eq!(format_percent_bp(Locale::Es, 2100), "21\u{a0}%");
        assert_eq!(format_percent_bp(Locale::En, 55), "0.55%");
        assert_eq!(format_percent_bp(Locale::En, 1205), "12.05%");
        assert_eq!(format_percent_bp(Locale::En, 0), "0%");
        assert_eq!(format_percent_bp(Locale::En, u32::MAX), "42949672.95%");
    }

    #[test]
    fn decimals() {
        assert_eq!(
            format_decimal_str(Locale::De, "1234.50").as_deref(),
            Some("1.234,5")
        );
        assert_eq!(
            format_decimal_str(Locale::En, "1234.50").as_deref(),
            Some("1,234.5")
        );
        assert_eq!(format_decimal_str(Locale::Bg, "2").as_deref(), Some("2"));
        assert_eq!(
            format_decimal_str(Locale::Bg, "2.000").as_deref(),
            Some("2")
        );
        assert_eq!(
            format_decimal_str(Locale::Es, "-0.5").as_deref(),
            Some("-0,5")
        );
        assert_eq!(format_decimal_str(Locale::Es, ".5").as_deref(), Some("0,5"));
        assert_eq!(format_decimal_str(Locale::Es, "5.").as_deref(), Some("5"));
        assert_eq!(
            format_decimal_str(Locale::Es, "-0.00").as_deref(),
            Some("0")
        );
        assert_eq!(format_decimal_str(Locale::Es, "+007").as_deref(), Some("7"));
        assert_eq!(format_decimal_str(Locale::Es, " 3 ").as_deref(), Some("3"));
        for bad in ["", "-", ".", "1,5", "1.2.3", "abc", "1e5", "--1", "١٢"] {
            assert_eq!(format_decimal_str(Locale::En, bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dates() {
        let d = date(2025, 1, 5);
        assert_eq!(format_date(Locale::Bg, d), "05.01.2025 г.");
        assert_eq!(format_date(Locale::En, d), "5 Jan 2025");
        assert_eq!(format_date(Locale::De, d), "05.01.2025");
        assert_eq!(format_date(Locale::Es, d), "05/01/2025");
        assert_eq!(format_date(Locale::En, date(2024, 12, 31)), "31 Dec 2024");
        // chrono's extremes must not panic.
        let _ = format_date(Locale::En, NaiveDate::MIN);
        let _ = format_date(Locale::Bg, NaiveDate::MAX);
    }
}
