//! PDF rendering: in-process genpdf against the engines other invoicing products start as
//! processes — wkhtmltopdf (Odoo) and headless Chromium's print-to-PDF (Invoice Ninja) —
//! rendering the same invoice from HTML.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use portal_domain::format::{format_amount, format_date, format_money, format_percent_bp};
use portal_pdf::PdfDocument;

/// Time and size of one way of rendering.
#[derive(Debug, Clone, Copy)]
pub struct Render {
    pub median_ms: f64,
    pub bytes: u64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The invoice as a self-contained HTML page, as an HTML-to-PDF product would template it.
pub fn html(doc: &PdfDocument) -> String {
    let l = doc.locale;
    let money = |m: i64| format_money(l, m, doc.currency_exponent, &doc.currency);
    let mut rows = String::new();
    for line in &doc.lines {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td class=n>{}</td><td>{}</td><td class=n>{}</td><td class=n>{}</td><td class=n>{}</td></tr>",
            escape(&line.description),
            escape(&line.quantity),
            escape(&line.unit),
            format_amount(l, line.unit_price_minor, doc.currency_exponent),
            format_percent_bp(l, line.vat_rate_bp),
            format_amount(l, line.net_minor, doc.currency_exponent)
        );
    }
    let party = |p: &portal_pdf::Party| {
        format!(
            "<b>{}</b><br>{}<br>{}",
            escape(&p.name),
            p.address_lines
                .iter()
                .map(|a| escape(a))
                .collect::<Vec<_>>()
                .join("<br>"),
            escape(p.vat_number.as_deref().unwrap_or_default())
        )
    };
    format!(
        "<!doctype html><html><head><meta charset=utf-8><title>{title}</title><style>
body{{font-family:'Liberation Sans',Arial,sans-serif;font-size:10pt;margin:20mm}}
h1{{font-size:20pt;margin:0}} table{{width:100%;border-collapse:collapse;margin-top:8mm}}
th,td{{border-bottom:1px solid #999;padding:2mm;text-align:left}} .n{{text-align:right}}
.parties{{display:flex;justify-content:space-between;margin-top:8mm}}
</style></head><body><h1>{title}</h1><p>No. {number} — {date}</p>
<div class=parties><div>{issuer}</div><div>{customer}</div></div>
<table><tr><th>Description</th><th class=n>Qty</th><th>Unit</th><th class=n>Price</th><th class=n>VAT</th><th class=n>Net</th></tr>{rows}</table>
<table><tr><td>Tax base</td><td class=n>{base}</td></tr><tr><td>VAT</td><td class=n>{vat}</td></tr>
<tr><td><b>Total</b></td><td class=n><b>{total}</b></td></tr></table></body></html>",
        title = escape(portal_pdf::title(doc.kind, l)),
        number = escape(&doc.number),
        date = format_date(l, doc.issue_date),
        issuer = party(&doc.issuer),
        customer = party(&doc.customer),
        base = money(doc.tax_base_minor),
        vat = money(doc.vat_minor),
        total = money(doc.total_minor),
    )
}

/// In-process: uncached render, and serving a cached one (reading the file back).
pub fn in_process(doc: &PdfDocument, runs: usize, work: &Path) -> anyhow::Result<(Render, Render)> {
    let mut times = Vec::new();
    let mut bytes = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        bytes = portal_pdf::render(doc)?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let path = work.join("cached.pdf");
    std::fs::write(&path, &bytes)?;
    let mut cached = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let read = std::fs::read(&path)?;
        cached.push(started.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(read.len() == bytes.len());
    }
    let size = bytes.len() as u64;
    Ok((
        Render {
            median_ms: median(times),
            bytes: size,
        },
        Render {
            median_ms: median(cached),
            bytes: size,
        },
    ))
}

/// An external engine, started as a process per document as the products do.
pub fn external(
    program: &str,
    args: &[&str],
    html_file: &Path,
    out: &Path,
    runs: usize,
) -> anyhow::Result<Render> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let _ = std::fs::remove_file(out);
        let started = Instant::now();
        let mut command = Command::new(program);
        for a in args {
            match *a {
                "{in}" => command.arg(html_file),
                "{out}" => command.arg(out),
                "{out_flag}" => command.arg(format!("--print-to-pdf={}", out.display())),
                other => command.arg(other),
            };
        }
        let status = command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()?;
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(status.success() && out.exists(), "{program} failed");
    }
    Ok(Render {
        median_ms: median(times),
        bytes: std::fs::metadata(out)?.len(),
    })
}
