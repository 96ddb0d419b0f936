//! The issuer's logo: checked when it is uploaded — a PNG or JPEG by its content, whatever its
//! name or declared type, within bounds, and decodable by the same decoder that draws it — and
//! drawn at the top of every document, scaled into a box and laid on white (PDF images here
//! carry no transparency).

use image::GenericImageView;
use serde::Serialize;

/// Largest logo accepted, in bytes.
pub const MAX_BYTES: usize = 512 * 1024;
/// Largest width or height in pixels (a logo, not a photograph: it is scaled down to a few
/// centimetres anyway, and this bounds what decoding may allocate).
pub const MAX_SIDE: u32 = 4000;
/// Smallest width or height in pixels.
pub const MIN_SIDE: u32 = 16;

/// A logo to draw: its id (what the cached PDF's key names) and its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Logo {
    /// The stored logo's id; logos are never changed in place, so the id names the picture.
    pub id: i64,
    /// The PNG or JPEG file.
    #[serde(skip)]
    pub bytes: Vec<u8>,
}

/// What an uploaded logo is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogoInfo {
    /// `image/png` or `image/jpeg`, from the content.
    pub media_type: &'static str,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
}

/// Why a logo is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogoError {
    /// Neither a PNG nor a JPEG file (by its first bytes).
    NotAnImage,
    /// A PNG or JPEG that cannot be decoded (cut short, damaged).
    Unreadable(String),
    /// Wider or taller than [`MAX_SIDE`], or smaller than [`MIN_SIDE`].
    Dimensions {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
}

fn format_of(bytes: &[u8]) -> Option<(image::ImageFormat, &'static str)> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some((image::ImageFormat::Png, "image/png"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some((image::ImageFormat::Jpeg, "image/jpeg"))
    } else {
        None
    }
}

/// Checks an uploaded logo: its type by content, its size from its header before anything is
/// decoded, then a full decode.
pub fn check(bytes: &[u8]) -> Result<LogoInfo, LogoError> {
    let (format, media_type) = format_of(bytes).ok_or(LogoError::NotAnImage)?;
    let reader = image::io::Reader::with_format(std::io::Cursor::new(bytes), format);
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| LogoError::Unreadable(e.to_string()))?;
    let fits = |side: u32| (MIN_SIDE..=MAX_SIDE).contains(&side);
    if !fits(width) || !fits(height) {
        return Err(LogoError::Dimensions { width, height });
    }
    image::load_from_memory_with_format(bytes, format)
        .map_err(|e| LogoError::Unreadable(e.to_string()))?;
    Ok(LogoInfo {
        media_type,
        width,
        height,
    })
}

/// The picture as drawn: decoded, laid on white, at most `max_width` × `max_height` pixels.
pub(crate) fn for_print(
    bytes: &[u8],
    max_width: u32,
    max_height: u32,
) -> Option<image::DynamicImage> {
    let (format, _) = format_of(bytes)?;
    let decoded = image::load_from_memory_with_format(bytes, format).ok()?;
    let decoded = if decoded.width() > max_width || decoded.height() > max_height {
        decoded.resize(max_width, max_height, image::imageops::FilterType::Triangle)
    } else {
        decoded
    };
    let rgba = decoded.to_rgba8();
    let mut rgb = image::RgbImage::new(rgba.width(), rgba.height());
    for (x, y, p) in rgba.enumerate_pixels() {
        let [r, g, b, a] = p.0;
        let over_white = |c: u8| {
            let (c, a) = (u32::from(c), u32::from(a));
            u8::try_from((c * a + 255 * (255 - a) + 127) / 255).unwrap_or(255)
        };
        rgb.put_pixel(
            x,
            y,
            image::Rgb([over_white(r), over_white(g), over_white(b)]),
        );
    }
    Some(image::DynamicImage::ImageRgb8(rgb))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(width: u32, height: u32, format: image::ImageOutputFormat) -> Vec<u8> {
        let picture = image::RgbaImage::from_fn(width, height, |x, _| {
            image::Rgba([
                (x % 256) as u8,
                80,
                200,
                if x < width / 2 { 255 } else { 0 },
            ])
        });
        let mut out = Vec::new();
        image::DynamicImage::ImageRgba8(picture)
            .write_to(&mut out, format)
            .unwrap_or_else(|e| panic!("encode: {e}"));
        out
    }

    #[test]
    fn png_and_jpeg_are_told_by_their_content() {
        let png = encoded(120, 40, image::ImageOutputFormat::Png);
        assert_eq!(
            check(&png),
            Ok(LogoInfo {
                media_type: "image/png",
                width: 120,
                height: 40
            })
        );
        let jpeg = encoded(64, 64, image::ImageOutputFormat::Jpeg(80));
        assert_eq!(check(&jpeg).map(|i| i.media_type), Ok("image/jpeg"));
    }

    #[test]
    fn other_files_and_damaged_pictures_are_refused() {
        assert_eq!(
            check(b"<html><script>alert(1)</script></html>"),
            Err(LogoError::NotAnImage)
        );
        assert_eq!(check(b"GIF89a...."), Err(LogoError::NotAnImage));
        let png = encoded(120, 40, image::ImageOutputFormat::Png);
        assert!(matches!(
            check(&png[..png.len() / 2]),
            Err(LogoError::Unreadable(_))
        ));
        let tiny = encoded(8, 8, image::ImageOutputFormat::Png);
        assert_eq!(
            check(&tiny),
            Err(LogoError::Dimensions {
                width: 8,
                height: 8
            })
        );
    }

    #[test]
    fn a_document_with_a_logo_carries_the_picture_and_one_without_none() {
        let mut doc = crate::sample::invoice(crate::Locale::De);
        let without = crate::render(&doc).unwrap_or_else(|e| panic!("{e}"));
        doc.logo = Some(Logo {
            id: 1,
            bytes: encoded(240, 80, image::ImageOutputFormat::Png),
        });
        let with = crate::render(&doc).unwrap_or_else(|e| panic!("{e}"));
        let images = |pdf: &[u8]| pdf.windows(14).filter(|w| w == b"/Subtype/Image").count();
        assert_eq!((images(&without), images(&with)), (0, 1));
        // Damaged bytes (never stored: checked on upload) leave the logo out, not the document.
        doc.logo = Some(Logo {
            id: 2,
            bytes: b"\x89PNG\r\n\x1a\nbroken".to_vec(),
        });
        let damaged = crate::render(&doc).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(images(&damaged), 0);
    }

    #[test]
    fn transparent_parts_print_white() {
        let png = encoded(100, 20, image::ImageOutputFormat::Png);
        let printed = for_print(&png, 50, 50).unwrap_or_else(|| panic!("drawable"));
        let rgb = printed.to_rgb8();
        assert_eq!(rgb.dimensions(), (50, 10));
        assert_eq!(rgb.get_pixel(49, 5).0, [255, 255, 255]);
        assert_eq!(rgb.get_pixel(0, 5).0[2], 200);
    }
}
