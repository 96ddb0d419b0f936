//! Calendar dates on the wire without `chrono`'s general formatting and parsing machinery.
//!
//! `chrono` writes a `NaiveDate` through `Debug` formatting one character at a time, which on a
//! 50-row page of the document grid (two dates a row) was a few per cent of the server's CPU.
//! These write the same `YYYY-MM-DD` text from a stack buffer; years outside 0–9999 (which
//! `chrono` writes with a sign) go through `chrono`.
//!
//! Reading goes the other way for the web apps: `chrono`'s `Deserialize` for `NaiveDate` and
//! `DateTime` runs its general format parser, about 8 kB of the customer portal's wasm. The
//! answers the apps decode read dates with [`deserialize_date`] (exactly `YYYY-MM-DD`) and
//! instants with [`deserialize_instant`] (RFC 3339, as the server writes them).

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::de::{Error as _, Unexpected};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `YYYY-MM-DD`, as `chrono` writes it.
pub fn date<S: Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    match date_bytes(date) {
        // only ASCII digits and dashes were written
        Some(buf) => serializer.serialize_str(std::str::from_utf8(&buf).unwrap_or_default()),
        None => date.serialize(serializer),
    }
}

/// `YYYY-MM-DD` for years 0–9999 (what `chrono` writes for them); `None` for other years.
pub fn date_bytes(date: &NaiveDate) -> Option<[u8; 10]> {
    let year = date.year();
    if !(0..=9999).contains(&year) {
        return None;
    }
    let mut buf = *b"0000-00-00";
    let mut put = |at: usize, digits: usize, mut value: u32| {
        for i in (at..at + digits).rev() {
            buf[i] = b'0' + (value % 10) as u8;
            value /= 10;
        }
    };
    put(0, 4, year.unsigned_abs());
    put(5, 2, date.month());
    put(8, 2, date.day());
    Some(buf)
}

/// [`date`] or `null`.
pub fn optional_date<S: Serializer>(
    value: &Option<NaiveDate>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(d) => date(d, serializer),
        None => serializer.serialize_none(),
    }
}

/// `YYYY-MM-DD` (four-digit year, two-digit month and day) as a date; anything else, or a day
/// that does not exist, is `None`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)
}

/// Reads a date written as `YYYY-MM-DD` (see [`parse_date`]).
pub fn deserialize_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_date(&text)
        .ok_or_else(|| D::Error::invalid_value(Unexpected::Str(&text), &"a date as YYYY-MM-DD"))
}

/// [`deserialize_date`] or `null`.
pub fn deserialize_optional_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<NaiveDate>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_date(&text).map(Some).ok_or_else(|| {
            D::Error::invalid_value(Unexpected::Str(&text), &"a date as YYYY-MM-DD")
        }),
    }
}

/// An RFC 3339 instant — `YYYY-MM-DDTHH:MM:SS`, an optional fraction of up to nine digits,
/// then `Z` or `±HH:MM` (`t`, `z` and a space for `T` accepted, as RFC 3339 allows) — in UTC;
/// anything else is `None`.
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let date = parse_date(s.get(..10)?)?;
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut at = 19;
    let mut nanos = 0u32;
    if b[at] == b'.' {
        let digits = b[at + 1..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = num(at + 1..at + 1 + digits)? * 10u32.pow(9 - digits as u32);
        at += 1 + digits;
    }
    let offset_seconds = match &b[at..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (h, m) = (num(at + 1..at + 3)?, num(at + 4..at + 6)?);
            if h > 23 || m > 59 {
                return None;
            }
            let seconds = i64::from(h * 3600 + m * 60);
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    let local = date.and_hms_nano_opt(hour, minute, second, nanos)?;
    let utc = local.checked_sub_signed(chrono::TimeDelta::seconds(offset_seconds))?;
    Some(utc.and_utc())
}

fn invalid_instant<E: serde::de::Error>(text: &str) -> E {
    E::invalid_value(Unexpected::Str(text), &"an RFC 3339 date and time")
}

/// Reads an instant written in RFC 3339 (see [`parse_instant`]).
pub fn deserialize_instant<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(deserializer)?;
    parse_instant(&text).ok_or_else(|| invalid_instant(&text))
}

/// [`deserialize_instant`] or `null`.
pub fn deserialize_optional_instant<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Option::<String>::deserialize(deserializer)? {
        None => Ok(None),
        Some(text) => parse_instant(&text)
            .map(Some)
            .ok_or_else(|| invalid_instant(&text)),
    }
}

/// A field that may be absent (`None`, with `#[serde(default)]`), `null` (`Some(None)`) or a
/// value (`Some(Some(v))`): for PATCH bodies where `null` clears.
pub fn present<'de, D: Deserializer<'de>, T: serde::Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_instants_as_chrono_writes_them_and_rfc_3339_allows() {
        let start = parse_instant("2026-12-02T10:11:12Z").expect("plain");
        let mut at = DateTime::<Utc>::from_timestamp(-62_000_000_000, 0).expect("year 5");
        // Whole seconds and every kind of fraction chrono writes, over thousands of years.
        let mut step = 0u32;
        while at.year() < 4000 {
            let written = serde_json::to_string(&at).expect("json");
            let read: DateTime<Utc> = parse_instant(written.trim_matches('"')).expect(&written);
            assert_eq!(read, at, "{written}");
            step += 1;
            at = at
                + chrono::TimeDelta::seconds(7_777_777 + i64::from(step))
                + chrono::TimeDelta::nanoseconds(i64::from(step % 4) * 123_456_789 % 1_000_000_000);
        }
        assert_eq!(start.timestamp(), 1_796_206_272);
        for (text, same) in [
            ("2026-12-02T11:11:12+01:00", true),
            ("2026-12-02t05:41:12-04:30", true),
            ("2026-12-02 10:11:12z", true),
            ("2026-12-02T10:11:12.5Z", false),
        ] {
            assert_eq!(parse_instant(text) == Some(start), same, "{text}");
            assert_eq!(
                parse_instant(text),
                DateTime::parse_from_rfc3339(text).ok().map(|d| d.to_utc()),
                "chrono agrees on {text}"
            );
        }
        assert_eq!(
            parse_instant("2026-12-02T10:11:12.000000001Z").map(|d| d.timestamp_subsec_nanos()),
            Some(1)
        );
        for bad in [
            "2026-12-02T10:11:12",
            "2026-12-02T10:11Z",
            "2026-12-02T24:00:00Z",
            "2026-12-02T10:11:12.Z",
            "2026-12-02T10:11:12.1234567891Z",
            "2026-12-02T10:11:12+0100",
            "2026-12-02T10:11:12+24:00",
            "2026-02-30T10:11:12Z",
            "2026-12-02T10:11:12ZZ",
            "2026-12-02X10:11:12Z",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad}");
        }
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Read {
        #[serde(deserialize_with = "deserialize_date")]
        date: NaiveDate,
        #[serde(default, deserialize_with = "deserialize_optional_date")]
        due: Option<NaiveDate>,
    }

    #[test]
    fn reads_exactly_what_it_writes() {
        let mut day = NaiveDate::from_ymd_opt(0, 1, 1).expect("date");
        while day.year() < 4000 {
            let text = json(Fast(day));
            let read: Read = serde_json::from_str(&format!("{{\"date\":{text},\"due\":{text}}}"))
                .expect("reads");
            assert_eq!(
                read,
                Read {
                    date: day,
                    due: Some(day)
                }
            );
            assert_eq!(
                Some(day),
                text.trim_matches('"').parse().ok(),
                "chrono agrees"
            );
            day = day + chrono::Days::new(89);
        }
        let read: Read = serde_json::from_str(r#"{"date":"2024-02-29","due":null}"#).expect("null");
        assert_eq!(read.due, None);
        let read: Read = serde_json::from_str(r#"{"date":"2024-02-29"}"#).expect("absent");
        assert_eq!(read.due, None);
    }

    #[test]
    fn refuses_anything_else() {
        for bad in [
            "2023-02-29",
            "2026-1-05",
            "2026-01-5",
            "+026-01-05",
            "2026/01/05",
            "2026-01-05T00:00:00Z",
            " 2026-01-05",
            "2026-13-01",
            "2026-00-10",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
            let body = format!(r#"{{"date":"{bad}"}}"#);
            assert!(serde_json::from_str::<Read>(&body).is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<Read>(r#"{"date":20260105}"#).is_err());
    }

    #[derive(Serialize)]
    struct Fast(#[serde(serialize_with = "date")] NaiveDate);

    #[derive(Serialize)]
    struct FastOptional(#[serde(serialize_with = "optional_date")] Option<NaiveDate>);

    fn json(v: impl Serialize) -> String {
        serde_json::to_string(&v).expect("serialises")
    }

    #[test]
    fn writes_what_chrono_writes() {
        let mut day = NaiveDate::from_ymd_opt(-3, 12, 25).expect("date");
        let samples = [
            NaiveDate::from_ymd_opt(-262_000, 1, 1),
            NaiveDate::from_ymd_opt(0, 1, 1),
            NaiveDate::from_ymd_opt(7, 7, 7),
            NaiveDate::from_ymd_opt(999, 10, 31),
            NaiveDate::from_ymd_opt(2024, 2, 29),
            NaiveDate::from_ymd_opt(9999, 12, 31),
            NaiveDate::from_ymd_opt(10_000, 1, 1),
            NaiveDate::from_ymd_opt(262_000, 6, 15),
        ];
        for d in samples.into_iter().flatten() {
            assert_eq!(json(Fast(d)), json(d), "{d:?}");
        }
        // every day of a few thousand years, stepping by a prime so every month and day occurs
        while day.year() < 4000 {
            assert_eq!(json(Fast(day)), json(day));
            day = day + chrono::Days::new(97);
        }
        assert_eq!(json(FastOptional(None)), "null");
        let d = NaiveDate::from_ymd_opt(2026, 12, 2);
        assert_eq!(json(FastOptional(d)), "\"2026-12-02\"");
    }
}
