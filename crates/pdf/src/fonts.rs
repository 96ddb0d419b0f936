//! The fonts compiled into the binary (see `fonts/subset.sh` and `fonts/OFL.txt`).

use crate::PdfError;
use genpdf::fonts::{FontData, FontFamily};
use std::sync::OnceLock;

/// Portal Sans Regular: Liberation Sans 2.1.5 Regular, subset and renamed.
pub(crate) const REGULAR: &[u8] = include_bytes!("../fonts/PortalSans-Regular.ttf");
/// Portal Sans Bold: Liberation Sans 2.1.5 Bold, subset and renamed.
pub(crate) const BOLD: &[u8] = include_bytes!("../fonts/PortalSans-Bold.ttf");

/// The embedded family, for documents with text beyond Windows-1252 (Cyrillic, Polish, Czech…).
///
/// genpdf embeds every face of a family, and printpdf 0.3 spends ~17 ms per embedded face
/// building its glyph map (it asks the font about every Unicode scalar value). The renderer never
/// prints italics, so the two italic slots hold PDF built-in fonts (Helvetica-Oblique and
/// Helvetica-BoldOblique, with our metrics): they are neither embedded nor scanned. Only Regular
/// and Bold go into the file.
pub(crate) fn embedded() -> Result<FontFamily<FontData>, PdfError> {
    static FAMILY: OnceLock<Result<FontFamily<FontData>, String>> = OnceLock::new();
    cached(&FAMILY, [None, None])
}

/// The standard family, for documents whose text is all Windows-1252 (English, German, Spanish
/// and most Western European names): PDF's standard 14 fonts Helvetica and Helvetica-Bold, which
/// every PDF reader must provide, so nothing is embedded and nothing is scanned. Layout uses
/// the metrics of our Liberation Sans faces, which were drawn to match Helvetica's (Arial's)
/// widths glyph for glyph, so lines break and columns align as with the embedded fonts.
pub(crate) fn standard() -> Result<FontFamily<FontData>, PdfError> {
    static FAMILY: OnceLock<Result<FontFamily<FontData>, String>> = OnceLock::new();
    cached(
        &FAMILY,
        [
            Some(printpdf::BuiltinFont::Helvetica),
            Some(printpdf::BuiltinFont::HelveticaBold),
        ],
    )
}

/// A family whose regular and bold faces print as `[regular, bold]` (`None`: embedded), with
/// built-in obliques. The parsed fonts are built once per process and cloned per document (a
/// clone copies the ~40 KB of bytes genpdf keeps and shares the parsed font).
fn cached(
    cell: &'static OnceLock<Result<FontFamily<FontData>, String>>,
    [regular, bold]: [Option<printpdf::BuiltinFont>; 2],
) -> Result<FontFamily<FontData>, PdfError> {
    cell.get_or_init(|| {
        let load = |bytes: &[u8], builtin| {
            FontData::new(bytes.to_vec(), builtin).map_err(|e| e.to_string())
        };
        Ok(FontFamily {
            regular: load(REGULAR, regular)?,
            bold: load(BOLD, bold)?,
            italic: load(REGULAR, Some(printpdf::BuiltinFont::HelveticaOblique))?,
            bold_italic: load(BOLD, Some(printpdf::BuiltinFont::HelveticaBoldOblique))?,
        })
    })
    .clone()
    .map_err(PdfError::Fonts)
}
