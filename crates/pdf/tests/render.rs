//! Renders documents and checks what a reader gets out of them with poppler's `pdftotext` and
//! `pdfinfo` (Debian package `poppler-utils`). These tests fail — they do not skip — when the
//! tools are missing.
//!
//! Set `PORTAL_PDF_DUMP=/some/dir` to keep every rendered PDF for a look.

use portal_pdf::format::{format_date, format_money};
use portal_pdf::{DocumentType, Line, Locale, Party, PdfDocument, VatBreakdown, render, sample};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const MAX_ONE_PAGE_BYTES: usize = 200 * 1024;

fn temp_pdf(name: &str, bytes: &[u8]) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("portal-pdf-{}-{n}-{name}.pdf", std::process::id()));
    std::fs::write(&path, bytes).expect("write temp pdf");
    if let Some(dir) = std::env::var_os("PORTAL_PDF_DUMP") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create dump dir");
        std::fs::copy(&path, dir.join(format!("{name}.pdf"))).expect("dump pdf");
    }
    path
}

fn poppler(tool: &str, args: &[&str], name: &str, bytes: &[u8]) -> String {
    let path = temp_pdf(name, bytes);
    let mut all: Vec<&str> = args.to_vec();
    let path_str = path.to_str().expect("utf-8 temp path");
    all.push(path_str);
    if tool == "pdftotext" {
        all.push("-");
    }
    let out = Command::new(tool).args(&all).output().unwrap_or_else(|e| {
        panic!("`{tool}` could not be run ({e}); install it: apt-get install -y poppler-utils")
    });
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// The text of the PDF with every run of whitespace (including no-break spaces) collapsed to one
/// space.
fn text(name: &str, bytes: &[u8]) -> String {
    collapse(&poppler("pdftotext", &["-enc", "UTF-8"], name, bytes))
}

fn collapse(s: &str) -> String {
    s.split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn without_whitespace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn assert_contains(haystack: &str, needle: &str, what: &str) {
    let needle = collapse(needle);
    assert!(
        haystack.contains(&needle),
        "{what}: {needle:?} not found in:\n{haystack}"
    );
}

fn pages(name: &str, bytes: &[u8]) -> usize {
    let info = poppler("pdfinfo", &[], name, bytes);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|v| v.trim().parse().ok())
        .expect("pdfinfo prints Pages")
}

/// Labels that must appear on every document of the locale, written out here independently of
/// the crate's own tables.
fn expected_labels(locale: Locale) -> &'static [&'static str] {
    match locale {
        Locale::Bg => &[
            "ДОСТАВЧИК",
            "ПОЛУЧАТЕЛ",
            "Дата на издаване",
            "Описание",
            "Кол.",
            "Мярка",
            "Ед. цена",
            "Стойност",
            "ДДС по ставки",
            "Данъчна основа",
            "Обща сума",
            "Забележки",
            "ЕИК",
            "ИН по ЗДДС",
            "IBAN",
            "Валута",
        ],
        Locale::En => &[
            "SUPPLIER",
            "CUSTOMER",
            "Date",
            "Description",
            "Qty",
            "Unit",
            "Unit price",
            "Net",
            "VAT breakdown",
            "Tax base",
            "Total",
            "Notes",
            "VAT No.",
            "IBAN",
            "Currency",
        ],
        Locale::De => &[
            "LIEFERANT",
            "KUNDE",
            "Datum",
            "Beschreibung",
            "Menge",
            "Einheit",
            "Einzelpreis",
            "Netto",
            "USt.-Aufstellung",
            "Nettobetrag",
            "Gesamtbetrag",
            "Anmerkungen",
            "USt-IdNr.",
            "IBAN",
            "Währung",
        ],
        Locale::Es => &[
            "PROVEEDOR",
            "CLIENTE",
            "Fecha",
            "Descripción",
            "Cant.",
            "Unidad",
            "Precio unit.",
            "Importe",
            "Desglose del IVA",
            "Base imponible",
            "Total",
            "Observaciones",
            "NIF-IVA",
            "IBAN",
            "Moneda",
        ],
    }
}

fn expected_title(locale: Locale, kind: DocumentType) -> &'static str {
    use DocumentType::*;
    match (locale, kind) {
        (Locale::Bg, Invoice) => "Фактура",
        (Locale::Bg, CreditNote) => "Кредитно известие",
        (Locale::En, Invoice) => "Invoice",
        (Locale::En, CreditNote) => "Credit note",
        (Locale::De, Invoice) => "Rechnung",
        (Locale::De, DeliveryNote) => "Lieferschein",
        (Locale::Es, Invoice) => "Factura",
        (Locale::Es, Offer) => "Oferta",
        _ => portal_pdf::title(kind, locale),
    }
}

#[test]
fn every_kind_in_every_locale_has_number_totals_and_labels() {
    for locale in Locale::ALL {
        for &kind in DocumentType::ALL {
            let doc = sample::document(locale, kind);
            let bytes = render(&doc).expect("render");
            let name = format!("{}-{}", kind.as_str(), locale.as_str());
            assert!(
                bytes.len() <= MAX_ONE_PAGE_BYTES,
                "{name}: {} bytes > {MAX_ONE_PAGE_BYTES}",
                bytes.len()
            );
            assert_eq!(pages(&name, &bytes), 1, "{name} is one page");
            let t = text(&name, &bytes);
            assert_contains(&t, expected_title(locale, kind), &name);
            assert_contains(&t, "0000000123", &name);
            for label in expected_labels(locale) {
                assert_contains(&t, label, &name);
            }
            let money = |m| format_money(locale, m, doc.currency_exponent, &doc.currency);
            assert_contains(&t, &money(doc.tax_base_minor), &name);
            assert_contains(&t, &money(doc.vat_minor), &name);
            assert_contains(&t, &money(doc.total_minor), &name);
            assert_contains(&t, &format_date(locale, doc.issue_date), &name);
            if let Some(due) = doc.due_date {
                assert_contains(&t, &format_date(locale, due), &name);
            }
            match (doc.paid_minor, doc.remaining_minor) {
                (Some(paid), Some(remaining)) => {
                    assert!(portal_domain::document::is_payable(kind));
                    assert_contains(&t, &money(paid), &name);
                    assert_contains(&t, &money(remaining), &name);
                }
                _ => assert!(!portal_domain::document::is_payable(kind)),
            }
            for line in &doc.lines {
                assert_contains(&t, &line.description, &name);
            }
            assert_contains(&t, &doc.customer.name, &name);
            assert_contains(&t, &doc.issuer.name, &name);
            for a in doc
                .customer
                .address_lines
                .iter()
                .chain(&doc.issuer.address_lines)
                .chain(&doc.issuer.contact_lines)
                .chain(&doc.footer)
            {
                assert_contains(&t, a, &name);
            }
        }
    }
}

#[test]
fn paid_and_remaining_labels_only_on_payable_documents() {
    let cases = [
        (Locale::Bg, "Платено", "Остатък за плащане"),
        (Locale::En, "Paid", "Amount due"),
        (Locale::De, "Bezahlt", "Offener Betrag"),
        (Locale::Es, "Pagado", "Pendiente"),
    ];
    for (locale, paid, remaining) in cases {
        let t = text(
            "invoice",
            &render(&sample::invoice(locale)).expect("render"),
        );
        assert_contains(&t, paid, "invoice");
        assert_contains(&t, remaining, "invoice");
        let t = text(
            "offer",
            &render(&sample::document(locale, DocumentType::Offer)).expect("render"),
        );
        assert!(!t.contains(remaining), "offer shows {remaining:?}:\n{t}");
    }
}

#[test]
fn credit_note_names_the_invoice_it_corrects() {
    let expected = [
        (Locale::Bg, "Към фактура № 0000000120"),
        (Locale::En, "Corrects invoice No. 0000000120"),
        (Locale::De, "Korrektur zur Rechnung Nr. 0000000120"),
        (Locale::Es, "Rectifica la factura n.º 0000000120"),
    ];
    for (locale, sentence) in expected {
        let doc = sample::document(locale, DocumentType::CreditNote);
        assert!(
            doc.total_minor < 0,
            "a credit note carries negative amounts"
        );
        let t = text("credit-note", &render(&doc).expect("render"));
        assert_contains(&t, sentence, "credit note");
        let total = format_money(locale, doc.total_minor, 2, &doc.currency);
        assert!(total.starts_with('-'));
        assert_contains(&t, &total, "credit note total");
    }
}

const LONG_WORD: &str = "Supercalifragilisticexpialidocious0123456789ABCDEF";

#[test]
fn a_fifty_character_word_survives_the_narrowest_column() {
    assert_eq!(LONG_WORD.chars().count(), 50);
    let wide = "W".repeat(50);
    let mut doc = sample::invoice(Locale::En);
    // The unit column is the narrowest text column; the discount and VAT columns hold numbers.
    doc.lines[0].unit = LONG_WORD.into();
    doc.lines[1].unit = wide.clone();
    doc.lines[2].description = format!("Before {LONG_WORD} after");
    doc.lines[3].quantity = "12345678901234567890123456789012345678901234567890".into();
    doc.customer.name = format!("{LONG_WORD}{LONG_WORD}");
    doc.issuer.iban = Some(format!("{LONG_WORD}{LONG_WORD}{LONG_WORD}"));
    doc.notes = Some(format!("x {} y", LONG_WORD.repeat(4)));
    let bytes = render(&doc).expect("render");
    let raw = poppler("pdftotext", &["-enc", "UTF-8"], "long-word", &bytes);
    let joined = without_whitespace(&raw);
    assert!(joined.contains(LONG_WORD), "{LONG_WORD} lost:\n{raw}");
    assert!(joined.contains(&wide), "50 × W lost:\n{raw}");
    assert!(
        joined.contains(&format!("{LONG_WORD}{LONG_WORD}")),
        "name lost:\n{raw}"
    );
    assert!(joined.contains(&LONG_WORD.repeat(3)), "IBAN lost:\n{raw}");
    assert!(joined.contains(&LONG_WORD.repeat(4)), "notes lost:\n{raw}");
    assert!(joined.contains("12,345,678,901,234,567,890,123,456,789,012,345,678,901,234,567,890"));
    // In the unit column the word was broken into short pieces (it cannot fit on one line).
    let short_piece = raw
        .lines()
        .map(str::trim)
        .any(|l| (2..20).contains(&l.len()) && LONG_WORD.starts_with(l));
    assert!(short_piece, "no short piece of the word:\n{raw}");
    // Its neighbours are still there.
    let t = collapse(&raw);
    assert_contains(&t, "Before", "long word");
    assert_contains(&t, "after", "long word");
    for line in &doc.lines[..2] {
        assert_contains(&t, &line.description, "other lines");
    }
}

/// The fonts a reader finds in the file, from poppler's `pdffonts`: name and whether embedded.
fn fonts(name: &str, bytes: &[u8]) -> Vec<(String, bool)> {
    poppler("pdffonts", &[], name, bytes)
        .lines()
        .skip(2)
        .filter_map(|l| {
            // name type… encoding emb sub uni object-number generation
            let cols: Vec<&str> = l.split_whitespace().collect();
            let emb = cols.len().checked_sub(5).map(|i| cols[i])?;
            Some((cols[0].to_string(), emb == "yes"))
        })
        .collect()
}

#[test]
fn western_text_uses_the_standard_fonts_and_other_text_embeds_ours() {
    // All of Windows-1252, the standard fonts' encoding, beyond Latin-1 too.
    let western = "„Grüße“ – 5 € … Œuvre Šimon Žižek ‰ ¿Año? ß";
    for locale in [Locale::De, Locale::En, Locale::Es] {
        let mut doc = sample::invoice(locale);
        doc.lines[0].description = western.into();
        let name = format!("standard-{}", locale.as_str());
        let bytes = render(&doc).expect("render");
        let found = fonts(&name, &bytes);
        assert!(
            !found.is_empty()
                && found
                    .iter()
                    .all(|(f, emb)| f.starts_with("Helvetica") && !emb),
            "{name}: {found:?}"
        );
        assert!(bytes.len() < 40 * 1024, "{name}: {} bytes", bytes.len());
        assert_contains(&text(&name, &bytes), western, &name);
    }
    let embedded = |found: &[(String, bool)]| found.iter().filter(|(_, emb)| *emb).count();
    // Bulgarian labels are Cyrillic.
    let bytes = render(&sample::invoice(Locale::Bg)).expect("render");
    let found = fonts("embedded-bg", &bytes);
    assert_eq!(embedded(&found), 2, "regular and bold: {found:?}");
    // One character beyond Windows-1252 anywhere on a German invoice embeds the fonts, and the
    // text survives.
    let mut doc = sample::invoice(Locale::De);
    doc.customer.name = "Łódź Żółć sp. z o.o.".into();
    let bytes = render(&doc).expect("render");
    let found = fonts("embedded-de", &bytes);
    assert_eq!(embedded(&found), 2, "regular and bold: {found:?}");
    assert_contains(
        &text("embedded-de", &bytes),
        "Łódź Żółć sp. z o.o.",
        "Polish name",
    );
}

#[test]
fn polish_and_greek_render_and_chinese_is_substituted_visibly() {
    let mut doc = sample::invoice(Locale::Bg);
    doc.customer.name = "Łódź Żółć".into();
    doc.issuer.name = "Ωμέγα Αθήνα".into();
    doc.lines[0].description = "中文公司".into();
    doc.lines[1].description = "Zażółć gęślą jaźń — ΑΒΓΔ αβγδ".into();
    // Decomposed (NFD) input is composed before the glyph check: e + COMBINING ACUTE.
    doc.lines[2].description = "Cafe\u{301} Ærøskøbing".into();
    doc.notes = Some("Emoji 👍 and a zero\u{200B}width space".into());
    let bytes = render(&doc).expect("render");
    let t = text("scripts", &bytes);
    assert_contains(&t, "Łódź Żółć", "Polish");
    assert_contains(&t, "Ωμέγα Αθήνα", "Greek");
    assert_contains(&t, "Zażółć gęślą jaźń — ΑΒΓΔ αβγδ", "Polish and Greek");
    assert_contains(&t, "Café Ærøskøbing", "NFC");
    assert_contains(&t, "[U+4E2D U+6587 U+516C U+53F8]", "Chinese substitute");
    assert_contains(
        &t,
        "Emoji [U+1F44D] and a zerowidth space",
        "emoji substitute",
    );
    assert!(
        !t.contains('中'),
        "no glyph for 中 is shipped, so it cannot be in the text"
    );
}

#[test]
fn title_metadata_is_ascii() {
    let mut doc = sample::invoice(Locale::Bg);
    let info = poppler("pdfinfo", &[], "title", &render(&doc).expect("render"));
    assert!(
        info.contains("Title:           invoice 0000000123"),
        "{info}"
    );
    doc.kind = DocumentType::CreditNote;
    doc.number = "Ф-12 (a)".into();
    let info = poppler("pdfinfo", &[], "title2", &render(&doc).expect("render"));
    assert!(
        info.contains("Title:           credit_note _-12_(a)"),
        "{info}"
    );
}

fn line(description: String, net: i64) -> Line {
    Line {
        description,
        quantity: "1".into(),
        unit: "pcs".into(),
        unit_price_minor: net,
        discount_bp: 0,
        vat_rate_bp: 2000,
        net_minor: net,
    }
}

#[test]
fn many_lines_flow_onto_more_pages_without_loss() {
    let mut doc = sample::invoice(Locale::De);
    doc.lines = (1..=150)
        .map(|i| line(format!("Position {i:03} Wartung"), i64::from(i) * 1000))
        .collect();
    doc.lines.insert(
        70,
        line(
            format!("Lange Zeile {}", "mit vielen Wörtern ".repeat(40)),
            1,
        ),
    );
    let bytes = render(&doc).expect("render");
    let n = pages("many-lines", &bytes);
    assert!(n >= 3, "150 lines take several pages, got {n}");
    let t = text("many-lines", &bytes);
    for i in 1..=150 {
        assert_contains(&t, &format!("Position {i:03} Wartung"), "line");
    }
    assert_contains(&t, &format!("Seite {n}"), "running head");
    // The long line is split across pages (pdftotext puts other cells between its parts, even
    // inside one repetition), so count one of its words.
    assert_eq!(t.matches("Wörtern").count(), 40, "long line");
}

#[test]
fn degenerate_input_renders() {
    // Everything empty.
    let bytes = render(&PdfDocument::default()).expect("empty document");
    assert!(bytes.starts_with(b"%PDF"));
    assert_contains(&text("empty", &bytes), "Invoice", "empty");

    // Extremes everywhere.
    let huge = Party {
        name: "\u{0}\u{7}\t\r\n".into(),
        tax_id: Some(String::new()),
        vat_number: Some("   ".into()),
        address_lines: vec![String::new(), "\n\n".into(), "x".repeat(5000)],
        contact_lines: vec!["\u{0}".into(), "y".repeat(3000)],
        iban: Some("\u{202E}RTL override".into()),
        bic: None,
        bank_name: Some("🏦".into()),
    };
    let doc = PdfDocument {
        locale: Locale::Es,
        kind: DocumentType::Reminder,
        number: "\u{FEFF}".into(),
        issue_date: chrono::NaiveDate::MIN,
        supply_date: Some(chrono::NaiveDate::MAX),
        due_date: Some(chrono::NaiveDate::MAX),
        currency: "€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€€".into(),
        currency_exponent: u32::MAX,
        issuer: huge.clone(),
        customer: huge,
        lines: vec![
            Line {
                description: "\n\n\n".into(),
                quantity: "-".repeat(300),
                unit: String::new(),
                unit_price_minor: i64::MIN,
                discount_bp: u32::MAX,
                vat_rate_bp: u32::MAX,
                net_minor: i64::MAX,
            },
            line(String::new(), 0),
        ],
        vat_breakdown: vec![VatBreakdown {
            rate_bp: u32::MAX,
            base_minor: i64::MIN,
            vat_minor: i64::MAX,
        }],
        tax_base_minor: i64::MIN,
        vat_minor: i64::MAX,
        total_minor: i64::MIN,
        paid_minor: Some(i64::MAX),
        remaining_minor: Some(i64::MIN),
        notes: Some("\n".repeat(100)),
        related_document_number: Some(String::new()),
        footer: Some("\n\u{7}".repeat(50)),
        logo: None,
        // Too long for the code's version 13: left out, never a failure.
        payment_code: Some("\u{0}".repeat(2000)),
    };
    let bytes = render(&doc).expect("extreme document");
    let t = text("extreme", &bytes);
    assert_contains(&t, "Recordatorio de pago", "extreme");
    assert!(
        without_whitespace(&t).contains(&"x".repeat(5000)),
        "5000 × x lost"
    );
    assert!(t.contains("[U+1F3E6]"), "bank emoji substituted:\n{t}");

    // One enormous word: linear-time breaking, nothing lost.
    let mut doc = sample::invoice(Locale::En);
    let giant = "abcdefghij".repeat(2000);
    doc.lines[0].description = giant.clone();
    let started = std::time::Instant::now();
    let bytes = render(&doc).expect("giant word");
    assert!(
        started.elapsed().as_secs() < 20,
        "breaking a 20,000-character word took too long"
    );
    // pdftotext interleaves the other cells of the row with the pieces of the word, so read the
    // description column only (left margin 15 mm = 42.5 pt, width 36/102 of 180 mm = 180 pt).
    let raw = poppler(
        "pdftotext",
        &[
            "-enc", "UTF-8", "-x", "40", "-y", "0", "-W", "180", "-H", "842",
        ],
        "giant",
        &bytes,
    );
    assert!(
        without_whitespace(&raw).contains(&giant),
        "giant word lost:\n{raw}"
    );
}

/// What a banking app reads from the page: the first page rendered at `dpi` by poppler's
/// `pdftoppm`, the QR codes on it decoded by zbar's `zbarimg` (Debian `zbar-tools`).
fn scanned(name: &str, bytes: &[u8], dpi: u32) -> Vec<String> {
    let pdf = temp_pdf(name, bytes);
    let prefix = pdf.with_extension("");
    let out = Command::new("pdftoppm")
        .args([
            "-r",
            &dpi.to_string(),
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(&pdf)
        .arg(&prefix)
        .output()
        .unwrap_or_else(|e| panic!("`pdftoppm` could not be run ({e}); install poppler-utils"));
    assert!(
        out.status.success(),
        "pdftoppm: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = prefix.with_extension("png");
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", "-Sbinary", "-Sqrcode.enable"])
        .arg(&png)
        .output()
        .unwrap_or_else(|e| {
            panic!("`zbarimg` could not be run ({e}); install it: apt-get install -y zbar-tools")
        });
    let _ = std::fs::remove_file(&pdf);
    let _ = std::fs::remove_file(&png);
    // Exit status 4: no code found.
    if out.status.code() == Some(4) {
        return Vec::new();
    }
    assert!(
        out.status.success(),
        "zbarimg: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One code per line (binary mode keeps the payload's own line breaks).
    let text = String::from_utf8(out.stdout).expect("utf-8 payload");
    vec![text.strip_suffix('\n').unwrap_or(&text).to_owned()]
}

#[test]
fn the_epc_code_on_an_invoice_is_read_back_by_a_scanner_field_by_field() {
    for locale in [Locale::Bg, Locale::En, Locale::De, Locale::Es] {
        let mut doc = portal_pdf::sample::invoice(locale);
        doc.number = "2026-000042".into();
        let transfer = portal_domain::epc::Transfer {
            name: "Müller & Söhne — Търговия ООД",
            iban: "DE89 3704 0044 0532 0130 00",
            bic: Some("COBADEFFXXX"),
            amount_cents: 123_456,
            remittance: &doc.number,
            structured: false,
        };
        doc.payment_code = Some(portal_domain::epc::payload(&transfer).expect("payload"));
        let bytes = render(&doc).expect("render");
        // A phone's camera sees less than 300 dpi; 150 is a fair stand-in, 300 a printout.
        for dpi in [150, 300] {
            let codes = scanned(&format!("epc-{locale:?}-{dpi}"), &bytes, dpi);
            assert_eq!(codes.len(), 1, "{locale:?} at {dpi} dpi: one code");
            let fields: Vec<&str> = codes[0].split('\n').collect();
            // Checked against the element table of EPC069-12, not against our own builder.
            assert_eq!(
                fields,
                [
                    "BCD",
                    "002",
                    "1",
                    "SCT",
                    "COBADEFFXXX",
                    "Müller & Söhne — Търговия ООД",
                    "DE89370400440532013000",
                    "EUR1234.56",
                    "",
                    "",
                    "2026-000042"
                ],
                "{locale:?} at {dpi} dpi"
            );
        }
        let t = text(&format!("epc-text-{locale:?}"), &bytes);
        assert_contains(&t, "2026-000042", "the reference beside the code");
    }

    // With an RF creditor reference: the structured element, and the same reference printed.
    let mut doc = portal_pdf::sample::invoice(Locale::De);
    doc.payment_code = Some(
        portal_domain::epc::payload(&portal_domain::epc::Transfer {
            name: "Demo GmbH",
            iban: "DE89370400440532013000",
            bic: None,
            amount_cents: 5,
            remittance: "RF18539007547034",
            structured: true,
        })
        .expect("payload"),
    );
    let bytes = render(&doc).expect("render");
    let codes = scanned("epc-rf", &bytes, 150);
    assert_eq!(
        codes,
        ["BCD\n002\n1\nSCT\n\nDemo GmbH\nDE89370400440532013000\nEUR0.05\n\nRF18539007547034"]
    );
    assert_contains(
        &text("epc-rf-text", &bytes),
        "RF18 5390 0754 7034",
        "the reference in groups of four, as banks print it",
    );

    // No payload, no code.
    let doc = portal_pdf::sample::invoice(Locale::En);
    assert!(doc.payment_code.is_none());
    assert_eq!(
        scanned("no-epc", &render(&doc).expect("render"), 150),
        Vec::<String>::new()
    );
}
