//! The page layout: header, parties, lines table, VAT breakdown, totals, notes.

use crate::format::{
    format_amount, format_date, format_decimal_str, format_money, format_percent_bp,
};
use crate::labels::{self, Labels};
use crate::text::{Sanitizer, Wrapped};
use crate::{PdfDocument, PdfError, fonts};
use genpdf::elements::{Break, CellDecorator, LinearLayout, TableLayout};
use genpdf::style::{Color, Style};
use genpdf::{Alignment, Element, Margins, Position, render};

const BODY_SIZE: u8 = 9;
const SMALL_SIZE: u8 = 8;
const TITLE_SIZE: u8 = 18;
const MUTED: Color = Color::Greyscale(95);
const INK: Color = Color::Greyscale(0);
const RULE_DARK: Color = Color::Greyscale(60);
const RULE_LIGHT: Color = Color::Greyscale(190);

/// Lines table columns: description, quantity, unit, unit price, discount, VAT rate, net.
const LINE_COLUMNS: [usize; 7] = [36, 10, 9, 15, 8, 8, 16];

fn render_err(e: genpdf::error::Error) -> PdfError {
    PdfError::Render(e.to_string())
}

fn regular() -> Style {
    Style::new()
}

fn bold() -> Style {
    Style::new().bold()
}

fn small() -> Style {
    Style::new().with_font_size(SMALL_SIZE)
}

fn muted() -> Style {
    Style::new().with_font_size(SMALL_SIZE).with_color(MUTED)
}

/// Draws horizontal rules: dark above and below a header row, light between body rows, dark
/// under the last row; and dark above the rows listed in `rule_above`.
#[derive(Default)]
struct Rules {
    rows: usize,
    header: bool,
    between: bool,
    rule_above: Vec<usize>,
}

impl Rules {
    fn table() -> Rules {
        Rules {
            header: true,
            between: true,
            ..Rules::default()
        }
    }

    fn above(rows: Vec<usize>) -> Rules {
        Rules {
            rule_above: rows,
            ..Rules::default()
        }
    }
}

impl CellDecorator for Rules {
    fn set_table_size(&mut self, _num_columns: usize, num_rows: usize) {
        self.rows = num_rows;
    }

    fn decorate_cell(
        &mut self,
        _column: usize,
        row: usize,
        has_more: bool,
        area: render::Area<'_>,
        style: Style,
    ) {
        let size = area.size();
        let top = vec![Position::new(0, 0), Position::new(size.width, 0)];
        let bottom = vec![
            Position::new(0, size.height),
            Position::new(size.width, size.height),
        ];
        let dark = style.with_color(RULE_DARK);
        let light = style.with_color(RULE_LIGHT);
        if (self.header && row == 0) || self.rule_above.contains(&row) {
            area.draw_line(top, dark);
        }
        let last = row + 1 == self.rows && !has_more;
        if self.header && (row == 0 || last) {
            area.draw_line(bottom, dark);
        } else if self.between && !has_more {
            area.draw_line(bottom, light);
        }
    }
}

/// A cell: content with a little padding.
fn cell(element: impl Element + 'static) -> impl Element {
    element.padded(Margins::trbl(1.2, 1.5, 1.0, 1.5))
}

/// Several lines of (unsanitized) text as one element; empty lines keep their height.
fn multiline(san: &Sanitizer<'_>, text: &str, style: Style) -> LinearLayout {
    let mut layout = LinearLayout::vertical();
    for line in san.lines(text) {
        if line.trim().is_empty() {
            layout.push(Break::new(1));
        } else {
            layout.push(Wrapped::new(line, style));
        }
    }
    layout
}

/// `Label: value` on one paragraph, the label muted.
fn labelled(san: &Sanitizer<'_>, label: &str, value: &str) -> Wrapped {
    Wrapped::new(format!("{label}: "), Style::new().with_color(MUTED))
        .push(san.line(value), Style::new().with_color(INK))
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.trim().is_empty())
}

fn party_block(
    san: &Sanitizer<'_>,
    l: &Labels,
    heading: &str,
    party: &crate::Party,
) -> LinearLayout {
    let mut block = LinearLayout::vertical();
    block.push(Wrapped::new(heading.to_uppercase(), muted()));
    block.push(Wrapped::new(
        san.line(&party.name),
        bold().with_font_size(10),
    ));
    for line in &party.address_lines {
        for l in san.lines(line) {
            if !l.trim().is_empty() {
                block.push(Wrapped::new(l, regular()));
            }
        }
    }
    for line in &party.contact_lines {
        if !line.trim().is_empty() {
            block.push(Wrapped::new(san.line(line), regular()));
        }
    }
    if let Some(v) = non_empty(&party.tax_id) {
        block.push(labelled(san, l.tax_id, v));
    }
    if let Some(v) = non_empty(&party.vat_number) {
        block.push(labelled(san, l.vat_number, v));
    }
    let bank = [
        (l.bank, non_empty(&party.bank_name)),
        (l.iban, non_empty(&party.iban)),
        (l.bic, non_empty(&party.bic)),
    ];
    if bank.iter().any(|(_, v)| v.is_some()) {
        block.push(Break::new(0.3));
        for (label, value) in bank {
            if let Some(v) = value {
                block.push(labelled(san, label, v));
            }
        }
    }
    block
}

fn header(doc: &PdfDocument, san: &Sanitizer<'_>, l: &Labels) -> Result<TableLayout, PdfError> {
    let mut left = LinearLayout::vertical();
    left.push(Wrapped::new(
        san.line(crate::title(doc.kind, doc.locale)),
        bold().with_font_size(TITLE_SIZE),
    ));
    left.push(Wrapped::new(
        format!("{} {}", l.number, san.line(&doc.number)),
        bold().with_font_size(12),
    ));
    if let Some(related) = non_empty(&doc.related_document_number) {
        left.push(Break::new(0.3));
        left.push(Wrapped::new(
            san.line(&labels::related(doc.kind, doc.locale, related)),
            bold(),
        ));
    }

    let mut meta = TableLayout::new(vec![11, 9]);
    let mut rows: Vec<(&str, String)> =
        vec![(l.issue_date, format_date(doc.locale, doc.issue_date))];
    if let Some(d) = doc.supply_date {
        rows.push((l.supply_date, format_date(doc.locale, d)));
    }
    if let Some(d) = doc.due_date {
        let label = if doc.kind == crate::DocumentType::Offer {
            l.valid_until
        } else {
            l.due_date
        };
        rows.push((label, format_date(doc.locale, d)));
    }
    if !doc.currency.trim().is_empty() {
        rows.push((l.currency, san.line(doc.currency.trim())));
    }
    for (label, value) in rows {
        meta.row()
            .element(Wrapped::new(
                format!("{label}:"),
                Style::new().with_color(MUTED),
            ))
            .element(Wrapped::new(value, bold()).aligned(Alignment::Right))
            .push()
            .map_err(render_err)?;
    }

    let mut table = TableLayout::new(vec![55, 45]);
    table
        .row()
        .element(left)
        .element(meta.padded(Margins::trbl(1.5, 0, 0, 0)))
        .push()
        .map_err(render_err)?;
    Ok(table)
}

fn parties(doc: &PdfDocument, san: &Sanitizer<'_>, l: &Labels) -> Result<TableLayout, PdfError> {
    let mut table = TableLayout::new(vec![1, 1]);
    table
        .row()
        .element(party_block(san, l, l.supplier, &doc.issuer).padded(Margins::trbl(0, 4, 0, 0)))
        .element(party_block(san, l, l.customer, &doc.customer).padded(Margins::trbl(0, 0, 0, 4)))
        .push()
        .map_err(render_err)?;
    Ok(table)
}

fn lines_table(
    doc: &PdfDocument,
    san: &Sanitizer<'_>,
    l: &Labels,
) -> Result<TableLayout, PdfError> {
    let loc = doc.locale;
    let exp = doc.currency_exponent;
    let mut table = TableLayout::new(LINE_COLUMNS.to_vec());
    table.set_cell_decorator(Rules::table());
    let head = bold().with_font_size(SMALL_SIZE);
    let headings = [
        (l.col_description, Alignment::Left),
        (l.col_quantity, Alignment::Right),
        (l.col_unit, Alignment::Left),
        (l.col_unit_price, Alignment::Right),
        (l.col_discount, Alignment::Right),
        (l.col_vat, Alignment::Right),
        (l.col_net, Alignment::Right),
    ];
    let mut row = table.row();
    for (text, align) in headings {
        row.push_element(cell(Wrapped::new(text, head).aligned(align)));
    }
    row.push().map_err(render_err)?;

    let body = small();
    let num = |s: String| cell(Wrapped::new(s, body).aligned(Alignment::Right));
    for line in &doc.lines {
        let quantity =
            format_decimal_str(loc, &line.quantity).unwrap_or_else(|| san.line(&line.quantity));
        let discount = if line.discount_bp == 0 {
            String::new()
        } else {
            format_percent_bp(loc, line.discount_bp)
        };
        table
            .row()
            .element(cell(multiline(san, &line.description, body)))
            .element(num(quantity))
            .element(cell(Wrapped::new(san.line(&line.unit), body)))
            .element(num(format_amount(loc, line.unit_price_minor, exp)))
            .element(num(discount))
            .element(num(format_percent_bp(loc, line.vat_rate_bp)))
            .element(num(format_amount(loc, line.net_minor, exp)))
            .push()
            .map_err(render_err)?;
    }
    Ok(table)
}

fn vat_block(doc: &PdfDocument, l: &Labels) -> Result<LinearLayout, PdfError> {
    let loc = doc.locale;
    let exp = doc.currency_exponent;
    let mut block = LinearLayout::vertical();
    if doc.vat_breakdown.is_empty() {
        return Ok(block);
    }
    block.push(Wrapped::new(l.vat_breakdown, bold()).padded(Margins::trbl(0, 0, 1, 0)));
    let mut table = TableLayout::new(vec![8, 14, 12]);
    table.set_cell_decorator(Rules::table());
    let head = bold().with_font_size(SMALL_SIZE);
    table
        .row()
        .element(cell(
            Wrapped::new(l.vat_rate, head).aligned(Alignment::Right),
        ))
        .element(cell(
            Wrapped::new(l.tax_base, head).aligned(Alignment::Right),
        ))
        .element(cell(
            Wrapped::new(l.vat_amount, head).aligned(Alignment::Right),
        ))
        .push()
        .map_err(render_err)?;
    for v in &doc.vat_breakdown {
        let num = |s: String| cell(Wrapped::new(s, small()).aligned(Alignment::Right));
        table
            .row()
            .element(num(format_percent_bp(loc, v.rate_bp)))
            .element(num(format_amount(loc, v.base_minor, exp)))
            .element(num(format_amount(loc, v.vat_minor, exp)))
            .push()
            .map_err(render_err)?;
    }
    block.push(table);
    Ok(block)
}

fn totals(doc: &PdfDocument, san: &Sanitizer<'_>, l: &Labels) -> Result<TableLayout, PdfError> {
    let money = |minor| {
        san.line(&format_money(
            doc.locale,
            minor,
            doc.currency_exponent,
            &doc.currency,
        ))
    };
    let mut rows: Vec<(&str, String, bool)> = vec![
        (l.tax_base, money(doc.tax_base_minor), false),
        (l.total_vat, money(doc.vat_minor), false),
        (l.total, money(doc.total_minor), true),
    ];
    let total_row = 2;
    if let Some(paid) = doc.paid_minor {
        rows.push((l.paid, money(paid), false));
    }
    if let Some(remaining) = doc.remaining_minor {
        rows.push((l.remaining, money(remaining), true));
    }
    let mut table = TableLayout::new(vec![11, 9]);
    table.set_cell_decorator(Rules::above(vec![total_row]));
    for (label, value, strong) in rows {
        let style = if strong {
            bold().with_font_size(10)
        } else {
            regular()
        };
        table
            .row()
            .element(cell(Wrapped::new(label, style)))
            .element(cell(Wrapped::new(value, style).aligned(Alignment::Right)))
            .push()
            .map_err(render_err)?;
    }
    Ok(table)
}

fn summary(doc: &PdfDocument, san: &Sanitizer<'_>, l: &Labels) -> Result<TableLayout, PdfError> {
    let mut table = TableLayout::new(vec![50, 6, 44]);
    table
        .row()
        .element(vat_block(doc, l)?)
        .element(Break::new(0))
        .element(totals(doc, san, l)?)
        .push()
        .map_err(render_err)?;
    Ok(table)
}

/// Side of the EPC QR code with its quiet zone, in millimetres: a typical code (version 6, 41
/// modules and 8 of quiet zone) gets 0.65 mm modules, which banking apps read from paper and
/// from a screen.
const PAYMENT_CODE_MM: f64 = 32.0;

/// The EPC QR code and, beside it, what it is for and the reference it carries; `None` without
/// a code (or, never expected, one too long for a QR symbol).
fn payment_code(
    doc: &PdfDocument,
    san: &Sanitizer<'_>,
    l: &Labels,
) -> Result<Option<TableLayout>, PdfError> {
    let Some(symbol) = doc
        .payment_code
        .as_deref()
        .and_then(|payload| portal_domain::epc::symbol(payload).ok())
    else {
        return Ok(None);
    };
    let mut text = LinearLayout::vertical();
    text.push(Wrapped::new(l.pay_by_transfer, bold()));
    text.push(Wrapped::new(l.scan_to_pay, regular()));
    text.push(Break::new(0.3));
    let reference = doc
        .payment_code
        .as_deref()
        .map(portal_domain::epc::reference_of)
        .unwrap_or_default();
    text.push(labelled(
        san,
        l.payment_reference,
        &portal_domain::epc::printed_reference(reference),
    ));
    let mut table = TableLayout::new(vec![20, 80]);
    table
        .row()
        .element(crate::qr::QrCode::new(symbol, PAYMENT_CODE_MM))
        .element(text.padded(Margins::trbl(2, 0, 0, 2)))
        .push()
        .map_err(render_err)?;
    Ok(Some(table))
}

/// Lays out `doc` and writes the PDF: with the standard fonts when every character fits them, else with the embedded fonts.
/// Whether they fit is learnt by trying: genpdf refuses a character outside Windows-1252 with
/// `UnsupportedEncoding` as it prints it, before anything is written, and that covers every
/// string on the page (labels, customer data, formatted numbers) without listing them here.
/// Bulgarian labels are Cyrillic, so those documents go straight to the embedded fonts.
/// The box a logo is scaled into, in millimetres.
const LOGO_BOX_MM: (f64, f64) = (60.0, 18.0);

/// The logo as large as fits [`LOGO_BOX_MM`], or nothing when it cannot be drawn (it was
/// checked on upload; a picture that fails now is left out rather than failing the document).
fn logo_image(logo: &crate::logo::Logo) -> Option<genpdf::elements::Image> {
    use image::GenericImageView;
    // At most 300 dpi in the box: more pixels would only make the file larger.
    let max = |mm: f64| (mm / 25.4 * 300.0) as u32;
    let picture = crate::logo::for_print(&logo.bytes, max(LOGO_BOX_MM.0), max(LOGO_BOX_MM.1))?;
    let dpi = f64::max(
        f64::from(picture.width()) * 25.4 / LOGO_BOX_MM.0,
        f64::from(picture.height()) * 25.4 / LOGO_BOX_MM.1,
    );
    genpdf::elements::Image::from_dynamic_image(picture)
        .ok()
        .map(|image| image.with_dpi(dpi))
}

pub(crate) fn render(doc: &PdfDocument) -> Result<Vec<u8>, PdfError> {
    if doc.locale != crate::Locale::Bg
        && let Some(pdf) = render_with(doc, fonts::standard()?)?
    {
        return Ok(pdf);
    }
    render_with(doc, fonts::embedded()?)?
        .ok_or_else(|| PdfError::Render("the embedded fonts refused a character".into()))
}

/// The PDF, or `None` when a character is outside what `family` can encode.
fn render_with(
    doc: &PdfDocument,
    family: genpdf::fonts::FontFamily<genpdf::fonts::FontData>,
) -> Result<Option<Vec<u8>>, PdfError> {
    let mut pdf = genpdf::Document::new(family);
    pdf.set_minimal_conformance();
    pdf.set_title(doc.ascii_title());
    pdf.set_paper_size(genpdf::PaperSize::A4);
    pdf.set_font_size(BODY_SIZE);
    pdf.set_line_spacing(1.1);

    let l = labels::labels(doc.locale);
    let (body, running_head) = {
        let san = Sanitizer::new(pdf.font_cache());
        let mut body = LinearLayout::vertical();
        if let Some(logo) = doc.logo.as_ref().and_then(logo_image) {
            body.push(logo);
            body.push(Break::new(0.8));
        }
        body.push(header(doc, &san, l)?);
        body.push(Break::new(1.5));
        body.push(parties(doc, &san, l)?);
        body.push(Break::new(1.5));
        body.push(lines_table(doc, &san, l)?);
        body.push(Break::new(1));
        body.push(summary(doc, &san, l)?);
        if let Some(code) = payment_code(doc, &san, l)? {
            body.push(Break::new(1.5));
            body.push(code);
        }
        if let Some(notes) = non_empty(&doc.notes) {
            body.push(Break::new(1.5));
            body.push(Wrapped::new(l.notes, bold()));
            body.push(multiline(&san, notes, regular()));
        }
        if let Some(footer) = non_empty(&doc.footer) {
            body.push(Break::new(2));
            body.push(multiline(&san, footer, muted()));
        }
        let running_head = format!(
            "{} {} {}",
            san.line(crate::title(doc.kind, doc.locale)),
            l.number,
            san.line(&doc.number)
        );
        (body, running_head)
    };

    let page_label = l.page;
    let mut decorator = genpdf::SimplePageDecorator::new();
    decorator.set_margins(Margins::trbl(14, 15, 14, 15));
    decorator.set_header(move |page| {
        let mut head = LinearLayout::vertical();
        if page > 1 {
            head.push(
                Wrapped::new(format!("{running_head} — {page_label} {page}"), muted())
                    .aligned(Alignment::Right),
            );
            head.push(Break::new(1));
        }
        head
    });
    pdf.set_page_decorator(decorator);
    pdf.push(body);

    let mut out = Vec::with_capacity(128 * 1024);
    match pdf.render(&mut out) {
        Ok(()) => Ok(Some(out)),
        Err(e) if matches!(e.kind(), genpdf::error::ErrorKind::UnsupportedEncoding) => Ok(None),
        Err(e) => Err(render_err(e)),
    }
}
