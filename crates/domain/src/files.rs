//! Uploaded files: what a file is, decided by its content (never by its name or the type its
//! sender declared), and whether its name is fit to show.

use portal_types::FieldError;

/// The longest file name kept, in characters.
pub const MAX_NAME: usize = 200;

/// The kinds of file a comment may carry, by their content: a PDF, a PNG or JPEG picture, or
/// plain text (UTF-8, with or without a byte-order mark, no control characters but line breaks,
/// tabs and form feeds). `None` for anything else, an empty file included.
pub fn content_type(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(b"\xFF\xD8\xFF") {
        Some("image/jpeg")
    } else if is_plain_text(bytes) {
        Some("text/plain")
    } else {
        None
    }
}

fn is_plain_text(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            !text.trim().is_empty()
                && !text
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0C'))
        }
        Err(_) => false,
    }
}

/// A file's name as sent, for display: trimmed, 1 to [`MAX_NAME`] characters, no path
/// separators, no control characters, not `.` or `..`. It is never used as a path.
pub fn name(field: &str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    let refuse = |code: &str, message: &str| Err(FieldError::new(field, code, message));
    if value.is_empty() {
        refuse("required", "the file has no name")
    } else if value.chars().count() > MAX_NAME {
        refuse("too_long", "the file name has more than 200 characters")
    } else if value.contains(['/', '\\']) || value == "." || value == ".." {
        refuse(
            "invalid_name",
            "the file name may not contain a path (/ or \\)",
        )
    } else if value.chars().any(char::is_control) {
        refuse("invalid_name", "the file name contains control characters")
    } else {
        Ok(value.to_string())
    }
}

/// The `Content-Disposition` of a download: an ASCII fallback name and the UTF-8 name
/// percent-encoded (RFC 6266, RFC 8187).
pub fn attachment_disposition(name: &str) -> String {
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_the_type_not_the_name() {
        assert_eq!(content_type(b"%PDF-1.7\n..."), Some("application/pdf"));
        assert_eq!(
            content_type(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some("image/png")
        );
        assert_eq!(
            content_type(b"\xFF\xD8\xFF\xE0\0\x10JFIF"),
            Some("image/jpeg")
        );
        assert_eq!(
            content_type("Платено по сметка\r\n".as_bytes()),
            Some("text/plain")
        );
        assert_eq!(
            content_type(b"\xEF\xBB\xBFpaid\tin full\n"),
            Some("text/plain")
        );
        // HTML is plain text here (it is downloaded as text/plain, never rendered); an
        // executable, a zip (an office file) or binary noise is nothing:
        assert_eq!(
            content_type(b"<script>alert(1)</script>"),
            Some("text/plain")
        );
        assert_eq!(content_type(b"MZ\x90\0\x03\0\0\0"), None);
        assert_eq!(content_type(b"PK\x03\x04\x14\0"), None);
        assert_eq!(content_type(b"GIF89a\x01\0\x01\0\x80\0\0"), None);
        assert_eq!(content_type(b"text with a \0 byte"), None);
        assert_eq!(content_type(b"\x1b[31mred"), None);
        assert_eq!(content_type(b"\xC3\x28 invalid UTF-8"), None);
        assert_eq!(content_type(b""), None);
        assert_eq!(content_type(b" \n"), None);
        // A PDF's magic elsewhere than at the start is not a PDF.
        assert_eq!(content_type(b"\0%PDF-1.7"), None);
    }

    #[test]
    fn names_are_for_display_only() {
        assert_eq!(
            name("f", "  Проформа 12.pdf ").expect("a good name"),
            "Проформа 12.pdf"
        );
        for bad in [
            "",
            "  ",
            "../etc/passwd",
            "a/b.pdf",
            "a\\b.pdf",
            "..",
            ".",
            "a\u{0}.pdf",
            "a\nb.pdf",
            "x\u{7f}",
        ] {
            let e = name("file[0]", bad).expect_err("a bad name");
            assert_eq!(e.field, "file[0]", "{bad:?}");
        }
        assert_eq!(
            name("f", &"a".repeat(201)).expect_err("too long").code,
            "too_long"
        );
        assert!(name("f", &"ä".repeat(200)).is_ok());
    }

    #[test]
    fn a_download_names_the_file_safely() {
        assert_eq!(
            attachment_disposition("proof.pdf"),
            "attachment; filename=\"proof.pdf\"; filename*=UTF-8''proof.pdf"
        );
        assert_eq!(
            attachment_disposition("Плащане \"1\".pdf"),
            "attachment; filename=\"_______ _1_.pdf\"; filename*=UTF-8''%D0%9F%D0%BB%D0%B0%D1%89%D0%B0%D0%BD%D0%B5%20%221%22.pdf"
        );
    }
}
