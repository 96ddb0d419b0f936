//! Parsers for what people type into forms: names, e-mail addresses, free text. Each returns
//! the cleaned value or the [`FieldError`] that names the field, so a handler collects every
//! error of a request at once.

use portal_types::FieldError;

/// A required line of text: trimmed, 1–`max` characters, no control characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    let length = value.chars().count();
    if length == 0 {
        Err(FieldError::new(
            field,
            "required",
            format!("`{field}` must not be empty"),
        ))
    } else if length > max {
        Err(FieldError::new(
            field,
            "too_long",
            format!("`{field}` must have at most {max} characters"),
        ))
    } else if value.chars().any(char::is_control) {
        Err(FieldError::new(
            field,
            "invalid_characters",
            format!("`{field}` contains control characters"),
        ))
    } else {
        Ok(value.to_string())
    }
}

/// An optional line of text: like [`required_text`], but empty is `None`.
pub fn optional_text(field: &str, value: &str, max: usize) -> Result<Option<String>, FieldError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    required_text(field, value, max).map(Some)
}

/// Optional text of several lines (notes, a reason): trimmed, at most `max` characters, line
/// breaks and tabs allowed but no other control characters; empty is `None`.
pub fn optional_paragraphs(
    field: &str,
    value: &str,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        Ok(None)
    } else if value.chars().count() > max {
        Err(FieldError::new(
            field,
            "too_long",
            format!("`{field}` must have at most {max} characters"),
        ))
    } else if value
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        Err(FieldError::new(
            field,
            "invalid_characters",
            format!("`{field}` contains control characters"),
        ))
    } else {
        Ok(Some(value.to_string()))
    }
}

/// An organisation's slug, the part of its portal's address after `/p/`: 3 to 40 lower-case
/// letters, digits and single hyphens, beginning with a letter and not ending with a hyphen.
pub fn slug(field: &str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    let ok = (3..=40).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && !value.ends_with('-')
        && !value.contains("--")
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(value.to_string())
    } else {
        Err(FieldError::new(
            field,
            "invalid_slug",
            "3 to 40 lower-case letters, digits and single hyphens, beginning with a letter \
             (`acme-trading`)",
        ))
    }
}

/// A person's name: 1–100 characters.
pub fn person_name(field: &str, value: &str) -> Result<String, FieldError> {
    required_text(field, value, 100)
}

/// An e-mail address, loosely (what a mail server decides, we do not): one `@`, something
/// before it, a dotted domain after it, no spaces, at most 254 characters. Trimmed.
pub fn email(field: &str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    let ok = value.len() <= 254
        && !value.chars().any(|c| c.is_whitespace() || c.is_control())
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
        });
    if ok {
        Ok(value.to_string())
    } else {
        Err(FieldError::new(
            field,
            "invalid_email",
            "not an e-mail address",
        ))
    }
}

/// An optional e-mail address: empty is `None`.
pub fn optional_email(field: &str, value: &str) -> Result<Option<String>, FieldError> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    email(field, value).map(Some)
}

#[cfg(test)]
mod tests {

    #[test]
    fn slugs_are_lower_case_words_joined_by_single_hyphens() {
        for ok in ["acme", "acme-trading", "a2z", "demo-2026-ltd"] {
            assert_eq!(slug("slug", ok).as_deref(), Ok(ok), "{ok}");
        }
        assert_eq!(slug("slug", " acme ").as_deref(), Ok("acme"));
        for bad in [
            "",
            "ab",
            "Acme",
            "2acme",
            "-acme",
            "acme-",
            "acme--x",
            "acme_x",
            "acme x",
            "ацме",
            "a23456789012345678901234567890123456789012",
        ] {
            assert_eq!(
                slug("slug", bad).map_err(|e| e.code),
                Err("invalid_slug".to_string()),
                "{bad}"
            );
        }
    }

    use super::*;

    #[test]
    fn text_is_trimmed_bounded_and_printable() {
        assert_eq!(required_text("name", "  Ana ", 10).as_deref(), Ok("Ana"));
        assert_eq!(
            required_text("name", "  ", 10).map_err(|e| e.code),
            Err("required".into())
        );
        assert_eq!(
            required_text("name", "abcdefghijk", 10).map_err(|e| e.code),
            Err("too_long".into())
        );
        assert_eq!(
            required_text("name", "a\u{7}b", 10).map_err(|e| e.code),
            Err("invalid_characters".into())
        );
        assert_eq!(optional_text("street", " ", 10), Ok(None));
    }

    #[test]
    fn e_mail_addresses() {
        for good in ["a@b.co", " ana.maria+tag@example.com ", "x@sub.domain.bg"] {
            assert!(email("email", good).is_ok(), "{good}");
        }
        for bad in [
            "", "a", "a@b", "@b.co", "a@.co", "a@b.", "a b@c.de", "a@b@c.de",
        ] {
            assert_eq!(
                email("email", bad).map_err(|e| e.code),
                Err("invalid_email".into()),
                "{bad}"
            );
        }
        assert_eq!(optional_email("email", "  "), Ok(None));
    }
}
