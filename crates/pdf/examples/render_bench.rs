//! In-process render time of the one-page sample invoice, per locale.
//!
//! `cargo run --release -p portal-pdf --example render_bench [-- ITERATIONS]`
//!
//! Prints one line per locale: bytes, mean / p50 / p99 / min milliseconds per `render` call,
//! then the same over all locales. The first render of the process (which also parses the
//! embedded fonts once) is reported separately and left out of the statistics.

use portal_pdf::{Locale, render, sample};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let n = v.len().max(1);
    let mean = v.iter().sum::<Duration>() / n as u32;
    let at = |q: f64| {
        v.get(((n as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or_default()
    };
    format!(
        "mean {:7.2} ms  p50 {:7.2} ms  p99 {:7.2} ms  min {:7.2} ms",
        ms(mean),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(at(0.0))
    )
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let iterations: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let first = Instant::now();
    let bytes = render(&sample::invoice(Locale::Bg))?;
    println!(
        "first render (fonts parsed once): {:.2} ms, {} bytes",
        ms(first.elapsed()),
        bytes.len()
    );
    let mut all = Vec::new();
    for locale in Locale::ALL {
        let doc = sample::invoice(locale);
        let mut times = Vec::with_capacity(iterations);
        let mut size = 0;
        for _ in 0..iterations {
            let t = Instant::now();
            size = render(&doc)?.len();
            times.push(t.elapsed());
        }
        all.extend_from_slice(&times);
        println!(
            "invoice {}  {:6} bytes  {}",
            locale.as_str(),
            size,
            stats(times)
        );
    }
    println!("all {} renders        {}", all.len(), stats(all));
    // The floor: an empty document still embeds (and has printpdf scan) both font faces.
    let empty = portal_pdf::PdfDocument::default();
    let mut times = Vec::with_capacity(iterations);
    let mut size = 0;
    for _ in 0..iterations {
        let t = Instant::now();
        size = render(&empty)?.len();
        times.push(t.elapsed());
    }
    println!("empty doc   {size:6} bytes  {}", stats(times));
    Ok(())
}
