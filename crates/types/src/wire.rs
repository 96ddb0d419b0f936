//! Serialising calendar dates without `chrono`'s formatting machinery.
//!
//! `chrono` writes a `NaiveDate` through `Debug` formatting one character at a time, which on a
//! 50-row page of the document grid (two dates a row) was a few per cent of the server's CPU.
//! These write the same `YYYY-MM-DD` text from a stack buffer; years outside 0–9999 (which
//! `chrono` writes with a sign) go through `chrono`.

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

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

#[cfg(test)]
mod tests {
    use super::*;

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
