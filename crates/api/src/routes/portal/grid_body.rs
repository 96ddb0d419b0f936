//! The document grid's response body, written by hand.
//!
//! The grid is the request every customer makes most, and serde's derived serialisation of a
//! page of [`DocumentRow`]s cost more than reading the rows from the database: five amounts per
//! row formatted into `String`s first, every key escaped byte by byte, every date through
//! `chrono`'s formatting. This writes the same JSON, byte for byte, straight from the database
//! records into one buffer. The tests below check it against serde's output of the
//! [`DocumentPage`] DTO, which stays the contract (and the OpenAPI schema).
//!
//! [`DocumentRow`]: portal_types::DocumentRow
//! [`DocumentPage`]: portal_types::DocumentPage

use chrono::NaiveDate;
use portal_domain::money::write_minor;
use portal_types::CurrencySums;

use crate::error::ApiError;
use portal_store::portal::{DocumentRecord, GridPage, exponent};

/// About the JSON size of one grid row, to size the buffer once.
const ROW_BYTES: usize = 320;

/// The body of `GET /api/v1/portal/documents`: a `DocumentPage` as JSON.
pub fn page_json(
    grid: &GridPage,
    page: u32,
    per_page: u32,
    today: NaiveDate,
) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::with_capacity(128 + ROW_BYTES * (grid.rows.len() + grid.sums.len()));
    out.extend_from_slice(b"{\"items\":[");
    for (i, record) in grid.rows.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        row(&mut out, record, today)?;
    }
    out.extend_from_slice(b"],\"total\":");
    number(&mut out, grid.total)?;
    out.extend_from_slice(b",\"page\":");
    number(&mut out, page)?;
    out.extend_from_slice(b",\"per_page\":");
    number(&mut out, per_page)?;
    out.extend_from_slice(b",\"sums\":");
    serde_json::to_writer(&mut out, &grid.sums as &Vec<CurrencySums>)
        .map_err(ApiError::internal)?;
    out.push(b'}');
    Ok(out)
}

/// One `DocumentRow` object, fields in the DTO's order.
fn row(out: &mut Vec<u8>, r: &DocumentRecord, today: NaiveDate) -> Result<(), ApiError> {
    let status = r.status(today);
    let exp = exponent(&r.currency);
    out.extend_from_slice(b"{\"id\":");
    number(out, r.id)?;
    out.extend_from_slice(b",\"number\":");
    string(out, &r.number)?;
    out.extend_from_slice(b",\"date\":");
    date(out, Some(r.issue_date))?;
    out.extend_from_slice(b",\"due_date\":");
    date(out, r.due_date)?;
    out.extend_from_slice(b",\"type\":\"");
    out.extend_from_slice(r.doc_type.as_str().as_bytes());
    out.extend_from_slice(b"\",\"currency\":");
    string(out, &r.currency)?;
    for (key, minor) in [
        (&b",\"tax_base\":"[..], Some(r.tax_base_minor)),
        (b",\"vat\":", Some(r.vat_minor)),
        (b",\"total\":", Some(r.total_minor)),
        (
            b",\"paid\":",
            status.payable.then(|| r.paid_minor.unwrap_or(0)),
        ),
        (
            b",\"remaining\":",
            status.payable.then(|| r.remaining_minor.unwrap_or(0)),
        ),
    ] {
        out.extend_from_slice(key);
        amount(out, minor, exp);
    }
    out.extend_from_slice(b",\"downloaded_at\":");
    serde_json::to_writer(&mut *out, &r.last_downloaded_at).map_err(ApiError::internal)?;
    out.extend_from_slice(b",\"state\":\"");
    out.extend_from_slice(r.state.as_str().as_bytes());
    out.extend_from_slice(b"\",\"payment_status\":");
    match status.payment_status {
        Some(s) => {
            out.push(b'"');
            out.extend_from_slice(s.as_str().as_bytes());
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(if status.overdue {
        b",\"overdue\":true}"
    } else {
        b",\"overdue\":false}"
    });
    Ok(())
}

fn number(out: &mut Vec<u8>, n: impl serde::Serialize) -> Result<(), ApiError> {
    serde_json::to_writer(out, &n).map_err(ApiError::internal)
}

/// A JSON string. Text that needs no escaping (no quote, backslash or control character; other
/// UTF-8 passes through as serde_json leaves it) is copied as it is.
fn string(out: &mut Vec<u8>, text: &str) -> Result<(), ApiError> {
    if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(out, text).map_err(ApiError::internal)
    }
}

/// A decimal string in the currency's exponent, or `null`.
fn amount(out: &mut Vec<u8>, minor: Option<i64>, exponent: u32) {
    match minor {
        Some(m) => {
            out.push(b'"');
            write_minor(out, m, exponent);
            out.push(b'"');
        }
        None => out.extend_from_slice(b"null"),
    }
}

/// `"YYYY-MM-DD"` (as `portal_types::wire::date`), or `null`.
fn date(out: &mut Vec<u8>, value: Option<NaiveDate>) -> Result<(), ApiError> {
    match value
        .as_ref()
        .map(|d| (d, portal_types::wire::date_bytes(d)))
    {
        Some((_, Some(text))) => {
            out.push(b'"');
            out.extend_from_slice(&text);
            out.push(b'"');
        }
        Some((d, None)) => serde_json::to_writer(out, d).map_err(ApiError::internal)?,
        None => out.extend_from_slice(b"null"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use portal_types::{DocumentPage, DocumentState, DocumentType};

    use super::*;

    fn record(i: i64) -> DocumentRecord {
        let types = DocumentType::ALL;
        let states = [
            DocumentState::Issued,
            DocumentState::Cancelled,
            DocumentState::Issued,
        ];
        let currencies = ["EUR", "BGN", "JPY", "KWD", "CLF", "XXX"];
        let numbers = [
            "0000000123".to_string(),
            "Rg-\"quoted\"\\path".to_string(),
            "Фактура №7 – ñ".to_string(),
            "tab\there\u{1}\u{1f}\u{7f}".to_string(),
            "line\u{2028}separator\u{2029}".to_string(),
            "😀 2026/0001".to_string(),
        ];
        let doc_type = types[i as usize % types.len()];
        let total = (i * 7_919) % 2_000_000 - 400_000;
        let paid = match i % 4 {
            0 => None,
            1 => Some(0),
            2 => Some(total / 2),
            _ => Some(total),
        };
        DocumentRecord {
            id: i,
            number: numbers[i as usize % numbers.len()].clone(),
            doc_type,
            issue_date: NaiveDate::from_ymd_opt(
                2020 + (i % 7) as i32,
                1 + (i % 12) as u32,
                1 + (i % 28) as u32,
            )
            .expect("date"),
            due_date: (i % 3 != 0)
                .then(|| NaiveDate::from_ymd_opt(2026, 11, 1 + (i % 30) as u32).expect("date")),
            currency: currencies[i as usize % currencies.len()].to_string(),
            tax_base_minor: total - total / 6,
            vat_minor: total / 6,
            total_minor: total,
            paid_minor: paid,
            // the database never pairs a payment sum with no remaining amount (a CHECK), but
            // the body must still say what serde says if it did
            remaining_minor: paid.filter(|_| i % 11 != 10).map(|p| total - p),
            state: states[i as usize % states.len()],
            last_downloaded_at: (i % 5 == 0).then(|| {
                Utc.timestamp_opt(1_760_000_000 + i * 3_601, (i as u32 % 1000) * 1000)
                    .single()
                    .expect("instant")
            }),
        }
    }

    fn sums() -> Vec<CurrencySums> {
        vec![CurrencySums {
            currency: "EUR".into(),
            count: 3,
            tax_base: "10.00".into(),
            vat: "2.00".into(),
            total: "12.00".into(),
            paid: "0.00".into(),
            remaining: "12.00".into(),
        }]
    }

    /// The hand-written body is byte for byte what serde writes for the DTO. (Which rows are
    /// paid, open or overdue is `DocumentRecord::status`, shared by both; the API tests check it
    /// against an independent computation.)
    #[test]
    fn writes_what_serde_writes_for_the_dto() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 15).expect("date");
        for n in [0, 1, 7, 200] {
            let grid = GridPage {
                rows: (0..n).map(record).collect(),
                total: 4_321,
                sums: if n == 0 { Vec::new() } else { sums() },
            };
            let fast = page_json(&grid, 3, 50, today).expect("written");
            let dto = DocumentPage {
                items: grid
                    .rows
                    .iter()
                    .cloned()
                    .map(|r| r.into_row(today))
                    .collect(),
                total: grid.total,
                page: 3,
                per_page: 50,
                sums: grid.sums.clone(),
            };
            let serde = serde_json::to_vec(&dto).expect("serialised");
            assert_eq!(
                String::from_utf8_lossy(&fast),
                String::from_utf8_lossy(&serde),
                "{n} rows"
            );
            let back: DocumentPage = serde_json::from_slice(&fast).expect("parses as the DTO");
            assert_eq!(back, dto);
        }
    }
}
