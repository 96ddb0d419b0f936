//! The EPC QR code drawn on the page as vector strokes (genpdf has no filled shapes): each run
//! of dark modules in a row is a horizontal line, repeated at the stroke's width until the
//! module's height is covered, with butt ends so the run is exactly as long as its modules.

use genpdf::error::Error;
use genpdf::style::Style;
use genpdf::{Context, Element, Mm, Position, RenderResult, Size, render};
use portal_domain::epc::Symbol;

/// Light modules around the symbol on each side, as the QR standard asks.
const QUIET_ZONE: usize = 4;
/// PDF's default line width (1 pt), the width of every stroke genpdf draws.
const STROKE_MM: f64 = 25.4 / 72.0;

/// A QR symbol `side` millimetres wide with its quiet zone.
pub(crate) struct QrCode {
    symbol: Symbol,
    side: f64,
}

impl QrCode {
    pub(crate) fn new(symbol: Symbol, side: f64) -> Self {
        Self { symbol, side }
    }
}

impl Element for QrCode {
    fn render(
        &mut self,
        _context: &Context,
        area: render::Area<'_>,
        _style: Style,
    ) -> Result<RenderResult, Error> {
        let size = Size::new(self.side, self.side);
        let available = area.size();
        if available.height < Mm::from(self.side) || available.width < Mm::from(self.side) {
            // Not on this page: all of it on the next.
            return Ok(RenderResult {
                size: Size::new(0, 0),
                has_more: true,
            });
        }
        let module = self.side / (self.symbol.width + 2 * QUIET_ZONE) as f64;
        // Strokes centred from half a stroke below the module's top to half a stroke above its
        // bottom, at most a stroke apart, cover the module's height without a gap.
        let strokes = (module / STROKE_MM).ceil().max(1.0) as usize + 1;
        let span = (module - STROKE_MM).max(0.0);
        let offsets: Vec<f64> = (0..strokes)
            .map(|i| STROKE_MM / 2.0 + span * i as f64 / (strokes - 1) as f64)
            .collect();
        let origin = QUIET_ZONE as f64 * module;
        for (row, start, end) in self.symbol.runs() {
            let top = origin + row as f64 * module;
            for offset in &offsets {
                let y = top + offset;
                area.draw_line(
                    vec![
                        Position::new(origin + start as f64 * module, y),
                        Position::new(origin + end as f64 * module, y),
                    ],
                    Style::new(),
                );
            }
        }
        Ok(RenderResult {
            size,
            has_more: false,
        })
    }
}
