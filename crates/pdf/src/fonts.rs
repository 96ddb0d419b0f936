//! The fonts compiled into the binary (see `fonts/subset.sh` and `fonts/OFL.txt`).

use crate::PdfError;
use genpdf::fonts::{FontData, FontFamily};
use std::sync::OnceLock;

/// Portal Sans Regular: Liberation Sans 2.1.5 Regular, subset and renamed.
pub(crate) const REGULAR: &[u8] = include_bytes!("../fonts/PortalSans-Regular.ttf");
/// Portal Sans Bold: Liberation Sans 2.1.5 Bold, subset and renamed.
pub(crate) const BOLD: &[u8] = include_bytes!("../fonts/PortalSans-Bold.ttf");

/// The family handed to genpdf.
///
/// genpdf embeds every face of a family, and printpdf 0.3 spends ~17 ms per embedded face
/// building its glyph map (it asks the font about every Unicode scalar value). The renderer never
/// prints italics, so the two italic slots hold PDF built-in fonts (Helvetica-Oblique and
/// Helvetica-BoldOblique, with our metrics): they are neither embedded nor scanned. Only Regular
/// and Bold go into the file.
///
/// The parsed fonts are built once per process and cloned per document (a clone copies the
/// ~40 KB of bytes genpdf keeps and shares the parsed font).
pub(crate) fn family() -> Result<FontFamily<FontData>, PdfError> {
    static FAMILY: OnceLock<Result<FontFamily<FontData>, String>> = OnceLock::new();
    FAMILY
        .get_or_init(|| {
            let load = |bytes: &[u8], builtin| {
                FontData::new(bytes.to_vec(), builtin).map_err(|e| e.to_string())
            };
            Ok(FontFamily {
                regular: load(REGULAR, None)?,
                bold: load(BOLD, None)?,
                italic: load(REGULAR, Some(printpdf::BuiltinFont::HelveticaOblique))?,
                bold_italic: load(BOLD, Some(printpdf::BuiltinFont::HelveticaBoldOblique))?,
            })
        })
        .clone()
        .map_err(PdfError::Fonts)
}
