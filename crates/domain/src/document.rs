//! Documents: line and VAT arithmetic, what is payable, payment status and overdue.

use chrono::NaiveDate;
use portal_types::{DocumentState, DocumentType, PaymentStatus};

use crate::money::div_round;

/// Quantities carry three decimals (`1.5 h` = 1500).
pub const QUANTITY_SCALE: i128 = 1_000;
/// Percentages (discount, VAT rate) are basis points (`20 %` = 2000).
pub const PERCENT_SCALE: i128 = 10_000;

/// Whether money is owed on a document of this type (offers, delivery notes and order
/// confirmations are not payable: no paid/remaining, not summed).
pub fn is_payable(doc_type: DocumentType) -> bool {
    matches!(
        doc_type,
        DocumentType::Invoice
            | DocumentType::CreditNote
            | DocumentType::DebitNote
            | DocumentType::Reminder
    )
}

/// One line as the issuer entered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineInput {
    /// Quantity in thousandths (negative on credit notes).
    pub quantity_milli: i64,
    /// Net unit price in minor units.
    pub unit_price_minor: i64,
    /// Discount in basis points (0..=10000).
    pub discount_bp: i64,
    /// VAT rate in basis points.
    pub vat_rate_bp: i64,
}

/// Net amount of a line after discount, rounded half away from zero to the minor unit.
pub fn line_net(line: &LineInput) -> i64 {
    let gross = i128::from(line.quantity_milli) * i128::from(line.unit_price_minor);
    let after_discount = gross * (PERCENT_SCALE - i128::from(line.discount_bp));
    clamp_i64(div_round(after_discount, QUANTITY_SCALE * PERCENT_SCALE))
}

/// VAT on a net amount at a rate in basis points.
pub fn vat_on(net: i64, rate_bp: i64) -> i64 {
    clamp_i64(div_round(
        i128::from(net) * i128::from(rate_bp),
        PERCENT_SCALE,
    ))
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

/// Tax base and VAT at one rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateTotal {
    /// VAT rate in basis points.
    pub rate_bp: i64,
    /// Sum of line nets at this rate.
    pub base: i64,
    /// VAT computed once on that sum.
    pub vat: i64,
}

/// Totals of a document: VAT is computed per rate on the sum of the nets at that rate
/// (the EU practice that avoids per-line rounding drift), total = tax base + VAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Per-rate breakdown, ordered by rate descending.
    pub by_rate: Vec<RateTotal>,
    /// Sum of nets.
    pub tax_base: i64,
    /// Sum of per-rate VAT.
    pub vat: i64,
    /// tax_base + vat.
    pub total: i64,
}

/// Groups line nets `(rate_bp, net)` by VAT rate, highest rate first, and computes the VAT of
/// each group once on its sum.
pub fn by_rate(nets: impl IntoIterator<Item = (i64, i64)>) -> Vec<RateTotal> {
    let mut groups: Vec<RateTotal> = Vec::new();
    for (rate_bp, net) in nets {
        match groups.iter_mut().find(|r| r.rate_bp == rate_bp) {
            Some(r) => r.base = r.base.saturating_add(net),
            None => groups.push(RateTotal {
                rate_bp,
                base: net,
                vat: 0,
            }),
        }
    }
    groups.sort_by_key(|r| std::cmp::Reverse(r.rate_bp));
    for r in &mut groups {
        r.vat = vat_on(r.base, r.rate_bp);
    }
    groups
}

/// Computes a document's totals from its lines.
pub fn totals(lines: &[LineInput]) -> Totals {
    let by_rate = by_rate(lines.iter().map(|l| (l.vat_rate_bp, line_net(l))));
    let tax_base = by_rate
        .iter()
        .fold(0i64, |acc, r| acc.saturating_add(r.base));
    let vat = by_rate
        .iter()
        .fold(0i64, |acc, r| acc.saturating_add(r.vat));
    Totals {
        by_rate,
        tax_base,
        vat,
        total: tax_base.saturating_add(vat),
    }
}

/// Whether the document counts in sums and payment views (cancelled and draft do not).
pub fn counts_in_sums(state: DocumentState) -> bool {
    !matches!(state, DocumentState::Cancelled | DocumentState::Draft)
}

/// The payment status of a document; `None` when it is not payable or does not count.
pub fn payment_status(
    doc_type: DocumentType,
    state: DocumentState,
    paid: i64,
    remaining: i64,
) -> Option<PaymentStatus> {
    if !is_payable(doc_type) || !counts_in_sums(state) {
        return None;
    }
    Some(if remaining == 0 {
        PaymentStatus::Paid
    } else if paid == 0 {
        PaymentStatus::Unpaid
    } else {
        PaymentStatus::PartiallyPaid
    })
}

/// Payable, still owed (remaining > 0) and the due date is before `today`.
pub fn is_overdue(
    doc_type: DocumentType,
    state: DocumentState,
    remaining: i64,
    due_date: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    is_payable(doc_type)
        && counts_in_sums(state)
        && remaining > 0
        && due_date.is_some_and(|due| due < today)
}

/// Formats basis points as a percentage string: 2000 → `"20.00"`.
pub fn format_percent(bp: i64) -> String {
    crate::money::format_minor(bp, 2)
}

/// Formats thousandths as a quantity, trimming trailing zeros: 1500 → `"1.5"`, 2000 → `"2"`.
pub fn format_quantity(milli: i64) -> String {
    let s = crate::money::format_minor(milli, 3);
    let s = s.trim_end_matches('0');
    s.trim_end_matches('.').to_string()
}

/// The folded text the grid's free-text filter searches: number and line descriptions.
pub fn search_text(number: &str, descriptions: &[&str]) -> String {
    let mut text = crate::filter::fold(number);
    for d in descriptions {
        text.push('\n');
        text.push_str(&crate::filter::fold(d));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(q: i64, price: i64, disc: i64, rate: i64) -> LineInput {
        LineInput {
            quantity_milli: q,
            unit_price_minor: price,
            discount_bp: disc,
            vat_rate_bp: rate,
        }
    }

    #[test]
    fn line_net_applies_quantity_and_discount() {
        assert_eq!(line_net(&line(2000, 1050, 0, 2000)), 2100);
        assert_eq!(line_net(&line(1500, 1000, 1000, 2000)), 1350);
        // 0.333 × 0.10 = 0.0333 → 0.03
        assert_eq!(line_net(&line(333, 10, 0, 0)), 3);
        // 0.5 × 0.01 = 0.005 → rounds away from zero to 0.01
        assert_eq!(line_net(&line(500, 1, 0, 0)), 1);
        assert_eq!(line_net(&line(-500, 1, 0, 0)), -1);
    }

    #[test]
    fn vat_is_computed_once_per_rate() {
        // Three lines of 0.10 at 19 %: per line 0.019 → 0.02 each (0.06), per rate 0.057 → 0.06.
        // Three lines of 0.05 at 19 %: per line 0.0095 → 0.01 each (0.03), per rate 0.0285 → 0.03.
        let t = totals(&[
            line(1000, 10, 0, 1900),
            line(1000, 10, 0, 1900),
            line(1000, 10, 0, 1900),
        ]);
        assert_eq!((t.tax_base, t.vat, t.total), (30, 6, 36));
        let t = totals(&[
            line(1000, 333, 0, 2000),
            line(1000, 333, 0, 2000),
            line(1000, 100, 0, 900),
        ]);
        assert_eq!(t.by_rate.len(), 2);
        assert_eq!(
            t.by_rate[0],
            RateTotal {
                rate_bp: 2000,
                base: 666,
                vat: 133
            }
        );
        assert_eq!(
            t.by_rate[1],
            RateTotal {
                rate_bp: 900,
                base: 100,
                vat: 9
            }
        );
        assert_eq!((t.tax_base, t.vat, t.total), (766, 142, 908));
    }

    #[test]
    fn credit_notes_have_negative_totals() {
        let t = totals(&[line(-1000, 10000, 0, 2000)]);
        assert_eq!((t.tax_base, t.vat, t.total), (-10000, -2000, -12000));
    }

    #[test]
    fn payment_status_follows_paid_and_remaining() {
        use DocumentState::*;
        use DocumentType::*;
        assert_eq!(
            payment_status(Invoice, Issued, 0, 100),
            Some(PaymentStatus::Unpaid)
        );
        assert_eq!(
            payment_status(Invoice, Issued, 50, 50),
            Some(PaymentStatus::PartiallyPaid)
        );
        assert_eq!(
            payment_status(Invoice, Issued, 100, 0),
            Some(PaymentStatus::Paid)
        );
        assert_eq!(
            payment_status(CreditNote, Issued, 0, -100),
            Some(PaymentStatus::Unpaid)
        );
        assert_eq!(payment_status(Offer, Issued, 0, 0), None);
        assert_eq!(payment_status(Invoice, Cancelled, 0, 100), None);
    }

    #[test]
    fn overdue_needs_a_positive_remainder_past_due() {
        use DocumentState::*;
        use DocumentType::*;
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let yesterday = today.pred_opt();
        assert!(is_overdue(Invoice, Issued, 1, yesterday, today));
        assert!(!is_overdue(Invoice, Issued, 1, Some(today), today));
        assert!(!is_overdue(Invoice, Issued, 0, yesterday, today));
        assert!(!is_overdue(CreditNote, Issued, -1, yesterday, today));
        assert!(!is_overdue(Invoice, Cancelled, 1, yesterday, today));
        assert!(!is_overdue(Offer, Issued, 1, yesterday, today));
        assert!(!is_overdue(Invoice, Issued, 1, None, today));
    }

    #[test]
    fn formats_percent_and_quantity() {
        assert_eq!(format_percent(2000), "20.00");
        assert_eq!(format_percent(750), "7.50");
        assert_eq!(format_quantity(1500), "1.5");
        assert_eq!(format_quantity(2000), "2");
        assert_eq!(format_quantity(-1000), "-1");
        assert_eq!(format_quantity(125), "0.125");
    }
}
