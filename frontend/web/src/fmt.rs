//! The API's decimal strings and ISO dates, shown in the user's language. All the formatting
//! rules live in `portal_domain::format` (shared with the PDFs); this only converts the wire
//! values into what those functions take.

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use portal_domain::Currency;
use portal_domain::format::{
    format_amount, format_date, format_decimal_str, format_money, format_percent_bp,
};
use portal_domain::locale::Locale;
use portal_domain::money::{parse_minor, parse_scaled};

fn exponent(currency: &str) -> u32 {
    Currency::from_code(currency).map_or(2, |c| c.exponent())
}

/// `"1234.50"` in `BGN` → `1 234,50 лв.` (bg), `BGN 1,234.50` (en). Unparseable input is shown
/// as it came.
pub fn money(locale: Locale, amount: &str, currency: &str) -> String {
    let exp = exponent(currency);
    match parse_minor(amount, exp) {
        Ok(minor) => format_money(locale, minor, exp, currency),
        Err(_) => amount.to_owned(),
    }
}

/// `"1234.50"` → `1.234,50` (de): an amount without its currency, for columns that show the
/// currency beside it.
pub fn amount(locale: Locale, amount: &str, currency: &str) -> String {
    let exp = exponent(currency);
    match parse_minor(amount, exp) {
        Ok(minor) => format_amount(locale, minor, exp),
        Err(_) => amount.to_owned(),
    }
}

/// A calendar date as the locale writes it.
pub fn date(locale: Locale, date: NaiveDate) -> String {
    format_date(locale, date)
}

/// An instant in the browser's time zone: the date as the locale writes it, then `HH:MM`.
pub fn date_time(locale: Locale, at: DateTime<Utc>) -> String {
    let ms = at.timestamp_millis() as f64;
    let local = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
    let offset_minutes = -(local.get_timezone_offset() as i64);
    let shifted = at.naive_utc() + chrono::Duration::minutes(offset_minutes);
    format!(
        "{}, {:02}:{:02}",
        format_date(locale, shifted.date()),
        shifted.hour(),
        shifted.minute()
    )
}

/// A VAT rate or discount given as `"20.00"` → `20 %` (de), `20%` (en).
pub fn percent(locale: Locale, value: &str) -> String {
    match parse_scaled(value, 2, false)
        .ok()
        .and_then(|bp| u32::try_from(bp).ok())
    {
        Some(bp) => format_percent_bp(locale, bp),
        None => value.to_owned(),
    }
}

/// A quantity or any other plain decimal (`"2.500"` → `2,5`).
pub fn decimal(locale: Locale, value: &str) -> String {
    format_decimal_str(locale, value).unwrap_or_else(|| value.to_owned())
}

/// What the user typed into an amount filter (`1.234,50` in de, `1,234.50` in en, a bare
/// `1234.5` anywhere) as the API's decimal string, or `None` when it is not an amount.
pub fn parse_amount_input(locale: Locale, input: &str) -> Option<String> {
    let compact: String = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}')
        .collect();
    if compact.is_empty() {
        return None;
    }
    let normalised = match locale {
        Locale::En => compact.replace(',', ""),
        Locale::Bg | Locale::De | Locale::Es => {
            if compact.contains(',') {
                compact.replace('.', "").replace(',', ".")
            } else {
                compact
            }
        }
    };
    parse_scaled(&normalised, 4, true).ok()?;
    Some(normalised)
}

/// `YYYY-MM-DD` as a date (without chrono's general-purpose parser, which is large in wasm).
pub use portal_types::wire::parse_date as parse_iso_date;

/// Milliseconds since the epoch now, as an instant.
pub fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(js_sys::Date::now() as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amount_inputs_follow_the_locale() {
        assert_eq!(
            parse_amount_input(Locale::De, "1.234,50").as_deref(),
            Some("1234.50")
        );
        assert_eq!(
            parse_amount_input(Locale::En, "1,234.50").as_deref(),
            Some("1234.50")
        );
        assert_eq!(
            parse_amount_input(Locale::Bg, "1 234,5").as_deref(),
            Some("1234.5")
        );
        assert_eq!(
            parse_amount_input(Locale::Es, "100").as_deref(),
            Some("100")
        );
        assert_eq!(
            parse_amount_input(Locale::De, "12.5").as_deref(),
            Some("12.5")
        );
        assert_eq!(parse_amount_input(Locale::En, "abc"), None);
        assert_eq!(parse_amount_input(Locale::En, ""), None);
    }

    #[test]
    fn money_uses_the_domain_formats() {
        assert_eq!(
            money(Locale::Bg, "1234.50", "BGN"),
            "1\u{a0}234,50\u{a0}лв."
        );
        assert_eq!(money(Locale::De, "1234.50", "EUR"), "1.234,50\u{a0}€");
        assert_eq!(amount(Locale::En, "-5.00", "EUR"), "-5.00");
        assert_eq!(percent(Locale::De, "19.50"), "19,5\u{a0}%");
    }
}
