//! Realistic sample documents, for tests, previews and the render benchmark.
//!
//! The amounts are consistent (net = quantity × unit price − discount, VAT per rate, total =
//! tax base + VAT), computed here with integers.

use crate::{DocumentType, Line, Locale, Party, PdfDocument, VatBreakdown};
use chrono::NaiveDate;

/// A line as (description, quantity in thousandths, unit, unit price in cents, discount bp,
/// VAT rate bp).
type Spec = (&'static str, i64, &'static str, i64, u32, u32);

fn issuer(locale: Locale) -> Party {
    match locale {
        Locale::Bg => Party {
            name: "Техно Трейд ЕООД".into(),
            tax_id: Some("204587321".into()),
            vat_number: Some("BG204587321".into()),
            address_lines: vec![
                "ул. „Витоша“ 15, ет. 3".into(),
                "1000 София, България".into(),
            ],
            contact_lines: vec!["office@technotrade.example · +359 2 987 6543".into()],
            iban: Some("BG80 BNBG 9661 1020 3456 78".into()),
            bic: Some("BNBGBGSD".into()),
            bank_name: Some("Българска народна банка".into()),
        },
        _ => Party {
            name: "Techno Trade Ltd.".into(),
            tax_id: Some("204587321".into()),
            vat_number: Some("BG204587321".into()),
            address_lines: vec![
                "15 Vitosha Blvd, 3rd floor".into(),
                "1000 Sofia, Bulgaria".into(),
            ],
            contact_lines: vec!["office@technotrade.example · +359 2 987 6543".into()],
            iban: Some("BG80 BNBG 9661 1020 3456 78".into()),
            bic: Some("BNBGBGSD".into()),
            bank_name: Some("Bulgarian National Bank".into()),
        },
    }
}

fn customer(locale: Locale) -> Party {
    let (name, tax_id, vat, lines): (&str, &str, &str, [&str; 2]) = match locale {
        Locale::Bg => (
            "Клиент Плюс ООД",
            "131245678",
            "BG131245678",
            ["бул. „Христо Ботев“ 48", "4000 Пловдив, България"],
        ),
        Locale::En => (
            "Northwind Traders Ltd",
            "08123456",
            "GB123456789",
            ["221 Baker Street", "London NW1 6XE, United Kingdom"],
        ),
        Locale::De => (
            "Müller & Söhne GmbH",
            "143/215/50213",
            "DE812345678",
            ["Großbeerenstraße 7", "10963 Berlin, Deutschland"],
        ),
        Locale::Es => (
            "Peña Ibáñez S.L.",
            "B12345678",
            "ESB12345678",
            ["Calle de Alcalá 120, 2.º", "28009 Madrid, España"],
        ),
    };
    Party {
        name: name.into(),
        tax_id: Some(tax_id.into()),
        vat_number: Some(vat.into()),
        address_lines: lines.iter().map(|s| (*s).into()).collect(),
        ..Party::default()
    }
}

fn specs(locale: Locale) -> (&'static str, [Spec; 4]) {
    match locale {
        Locale::Bg => (
            "BGN",
            [
                (
                    "Лаптоп Lenovo ThinkPad T14, 16 GB RAM",
                    2000,
                    "бр.",
                    189_900,
                    0,
                    2000,
                ),
                ("Инсталация и конфигуриране", 3500, "ч.", 6_000, 1000, 2000),
                (
                    "Годишен абонамент за поддръжка",
                    1000,
                    "бр.",
                    48_000,
                    0,
                    2000,
                ),
                (
                    "Ръководство за потребителя (печатно)",
                    2000,
                    "бр.",
                    2_500,
                    0,
                    900,
                ),
            ],
        ),
        Locale::En => (
            "EUR",
            [
                (
                    "Lenovo ThinkPad T14 laptop, 16 GB RAM",
                    2000,
                    "pcs",
                    97_095,
                    0,
                    2000,
                ),
                (
                    "Installation and configuration",
                    3500,
                    "h",
                    3_068,
                    1000,
                    2000,
                ),
                ("Annual support subscription", 1000, "pcs", 24_542, 0, 2000),
                ("User manual (printed)", 2000, "pcs", 1_278, 0, 500),
            ],
        ),
        Locale::De => (
            "EUR",
            [
                (
                    "Notebook Lenovo ThinkPad T14, 16 GB RAM",
                    2000,
                    "Stk.",
                    97_095,
                    0,
                    1900,
                ),
                (
                    "Installation und Einrichtung",
                    3500,
                    "Std.",
                    3_068,
                    1000,
                    1900,
                ),
                (
                    "Jährliches Wartungsabonnement",
                    1000,
                    "Stk.",
                    24_542,
                    0,
                    1900,
                ),
                ("Benutzerhandbuch (gedruckt)", 2000, "Stk.", 1_278, 0, 700),
            ],
        ),
        Locale::Es => (
            "EUR",
            [
                (
                    "Portátil Lenovo ThinkPad T14, 16 GB RAM",
                    2000,
                    "ud.",
                    97_095,
                    0,
                    2100,
                ),
                ("Instalación y configuración", 3500, "h", 3_068, 1000, 2100),
                (
                    "Suscripción anual de mantenimiento",
                    1000,
                    "ud.",
                    24_542,
                    0,
                    2100,
                ),
                ("Manual de usuario (impreso)", 2000, "ud.", 1_278, 0, 1000),
            ],
        ),
    }
}

/// Rounds `num / den` half away from zero (`den > 0`).
fn div_round(num: i128, den: i128) -> i128 {
    let q = num / den;
    let r = num % den;
    if r.abs() * 2 >= den {
        q + num.signum()
    } else {
        q
    }
}

fn clamp_i64(v: i128) -> i64 {
    i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX })
}

fn quantity_string(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let m = milli.unsigned_abs();
    format!("{sign}{}.{:03}", m / 1000, m % 1000)
}

/// Builds the lines, VAT breakdown and totals from line specs; `sign` is -1 for a credit note.
fn fill(doc: &mut PdfDocument, specs: &[Spec], sign: i64) {
    let mut by_rate: Vec<VatBreakdown> = Vec::new();
    for &(description, qty_milli, unit, price, discount_bp, vat_bp) in specs {
        let gross = i128::from(qty_milli) * i128::from(price);
        let net = div_round(gross * (10_000 - i128::from(discount_bp)), 1000 * 10_000);
        let net = clamp_i64(net) * sign;
        doc.lines.push(Line {
            description: description.into(),
            quantity: quantity_string(qty_milli * sign),
            unit: unit.into(),
            unit_price_minor: price,
            discount_bp,
            vat_rate_bp: vat_bp,
            net_minor: net,
        });
        match by_rate.iter_mut().find(|v| v.rate_bp == vat_bp) {
            Some(v) => v.base_minor += net,
            None => by_rate.push(VatBreakdown {
                rate_bp: vat_bp,
                base_minor: net,
                vat_minor: 0,
            }),
        }
    }
    by_rate.sort_by_key(|v| std::cmp::Reverse(v.rate_bp));
    for v in &mut by_rate {
        v.vat_minor = clamp_i64(div_round(
            i128::from(v.base_minor) * i128::from(v.rate_bp),
            10_000,
        ));
    }
    doc.tax_base_minor = by_rate.iter().map(|v| v.base_minor).sum();
    doc.vat_minor = by_rate.iter().map(|v| v.vat_minor).sum();
    doc.total_minor = doc.tax_base_minor + doc.vat_minor;
    doc.vat_breakdown = by_rate;
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// A one-page sample of `kind` in `locale`: four lines at two VAT rates, a discount, bank
/// details; payable kinds are partly paid; a credit note carries negative amounts and corrects
/// invoice `0000000120`.
pub fn document(locale: Locale, kind: DocumentType) -> PdfDocument {
    let (currency, specs) = specs(locale);
    let mut doc = PdfDocument {
        locale,
        kind,
        number: "0000000123".into(),
        issue_date: date(2025, 3, 14),
        supply_date: (kind == DocumentType::Invoice).then(|| date(2025, 3, 12)),
        due_date: match kind {
            DocumentType::DeliveryNote | DocumentType::OrderConfirmation => None,
            _ => Some(date(2025, 4, 13)),
        },
        currency: currency.into(),
        currency_exponent: 2,
        issuer: issuer(locale),
        customer: customer(locale),
        ..PdfDocument::default()
    };
    let sign = if kind == DocumentType::CreditNote {
        -1
    } else {
        1
    };
    let used = if kind == DocumentType::CreditNote {
        &specs[..1]
    } else {
        &specs[..]
    };
    fill(&mut doc, used, sign);
    if portal_domain::document::is_payable(kind) {
        let paid = if kind == DocumentType::CreditNote {
            0
        } else {
            doc.total_minor / 4
        };
        doc.paid_minor = Some(paid);
        doc.remaining_minor = Some(doc.total_minor - paid);
    }
    if matches!(kind, DocumentType::CreditNote | DocumentType::DebitNote) {
        doc.related_document_number = Some("0000000120".into());
    }
    doc.notes = Some(
        match locale {
            Locale::Bg => "Плащане по банков път до датата на падежа.\nБлагодарим ви за доверието!",
            Locale::En => "Payment by bank transfer by the due date.\nThank you for your business!",
            Locale::De => {
                "Zahlung per Überweisung bis zum Fälligkeitsdatum.\nVielen Dank für Ihren Auftrag!"
            }
            Locale::Es => {
                "Pago por transferencia bancaria antes del vencimiento.\n¡Gracias por su confianza!"
            }
        }
        .into(),
    );
    doc.footer = Some("Techno Trade Ltd. · UIC 204587321 · Sofia City Court".into());
    doc
}

/// Shorthand for `document(locale, DocumentType::Invoice)`.
pub fn invoice(locale: Locale) -> PdfDocument {
    document(locale, DocumentType::Invoice)
}
