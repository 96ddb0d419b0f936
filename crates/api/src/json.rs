//! `ApiJson<T>`: the JSON body extractor. Unlike actix's `web::Json` it names the offending
//! field of every type error (through `serde_path_to_error`), answers 413 before reading an
//! oversized body, and 415 for bodies that are not JSON — all as problem+json.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use futures_util::StreamExt;
use portal_types::FieldError;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// Largest JSON body accepted, in bytes.
pub const JSON_LIMIT: usize = 64 * 1024;

/// A JSON request body, parsed strictly (unknown fields are refused by the DTOs).
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Serialize + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let declared = media_type(req);
        let content_type_ok = declared == "application/json"
            || (declared.starts_with("application/") && declared.ends_with("+json"));
        let head = BodyHead::of(req);
        let payload = payload.take();
        Box::pin(async move {
            let body = read_limited(head, payload, JSON_LIMIT).await?;
            if !content_type_ok {
                return Err(ApiError::UnsupportedMediaType {
                    expected: "application/json",
                });
            }
            parse(&body).map(ApiJson)
        })
    }
}

/// The media type a request declares (`Content-Type` without its parameters, lower-cased), or
/// empty.
pub fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

/// What a request says of its body before it is read: its declared length and coding.
#[derive(Debug, Clone, Default)]
pub struct BodyHead {
    /// `Content-Length`, if declared.
    pub length: Option<usize>,
    /// `Content-Encoding`, unless absent or `identity`.
    encoding: Option<String>,
}

impl BodyHead {
    pub fn of(req: &HttpRequest) -> Self {
        let header = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
        BodyHead {
            length: header(header::CONTENT_LENGTH).and_then(|v| v.parse::<usize>().ok()),
            encoding: header(header::CONTENT_ENCODING)
                .map(|v| v.trim().to_ascii_lowercase())
                .filter(|v| !v.is_empty() && v != "identity"),
        }
    }

    /// 415 for a compressed body (no endpoint inflates one: reading compressed bytes as the
    /// body would misread it, and inflating would let a small request grow large), 413 for a
    /// declared length past `limit` — both before anything is read.
    pub fn check(&self, limit: usize) -> Result<(), ApiError> {
        if let Some(encoding) = &self.encoding {
            return Err(ApiError::UnsupportedEncoding {
                encoding: encoding.chars().take(40).collect(),
            });
        }
        if self.length.is_some_and(|len| len > limit) {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        Ok(())
    }
}

/// Reads a request body of at most `limit` bytes: refused before reading as
/// [`BodyHead::check`] says, and with 413 as soon as the bytes read pass the limit.
pub async fn read_limited(
    head: BodyHead,
    mut payload: Payload,
    limit: usize,
) -> Result<web::BytesMut, ApiError> {
    head.check(limit)?;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| ApiError::BadRequest {
            code: "unreadable_body",
            detail: format!("the request body could not be read: {e}"),
        })?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Parses a JSON body into `T`, turning serde's messages into field errors.
pub fn parse<T: DeserializeOwned + Serialize>(body: &[u8]) -> Result<T, ApiError> {
    // serde would also fill a struct from a JSON array; our bodies are objects.
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(
        first,
        Some(b'[' | b'"' | b'0'..=b'9' | b'-' | b't' | b'f' | b'n')
    ) {
        if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            return Err(malformed(&e));
        }
        return Err(ApiError::field(
            "body",
            "invalid_type",
            "the body must be a JSON object",
        ));
    }
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize::<_, T>(&mut de).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            ApiError::Validation(vec![field_error(&path, &inner.to_string())])
        } else {
            malformed(&inner)
        }
    })?;
    de.end().map_err(|e| malformed(&e))?;
    // serde fills a struct from a JSON array too (its fields by position); the contract has
    // objects there, so an array where the DTO writes an object is a type error of that field.
    if body.contains(&b'[')
        && let Ok(tree) = serde_json::from_slice::<serde_json::Value>(body)
        && let Ok(written) = serde_json::to_value(&value)
        && let Some(field) = array_for_object(&tree, &written, "")
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            "invalid_type",
            "must be a JSON object",
        )]));
    }
    // JSON can carry U+0000 only as the escape `\u0000`; no text column can store it
    // (PostgreSQL refuses it), so a body holding one is refused here, naming the field.
    if body.windows(6).any(|w| w == b"\\u0000")
        && let Ok(tree) = serde_json::from_slice::<serde_json::Value>(body)
        && let Some(field) = nul_in(&tree, "")
    {
        return Err(ApiError::Validation(vec![FieldError::new(
            field,
            "invalid_character",
            "must not contain the NUL character (U+0000)",
        )]));
    }
    Ok(value)
}

/// The path of the first place where the request has an array and the DTO, written back,
/// an object.
fn array_for_object(
    sent: &serde_json::Value,
    written: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value;
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    match (sent, written) {
        (Value::Array(_), Value::Object(_)) => Some(if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }),
        (Value::Object(sent), Value::Object(written)) => written
            .iter()
            .find_map(|(k, w)| array_for_object(sent.get(k)?, w, &join(k))),
        (Value::Array(sent), Value::Array(written)) => sent
            .iter()
            .zip(written)
            .enumerate()
            .find_map(|(i, (s, w))| array_for_object(s, w, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// The path of the first string (or key) holding U+0000.
fn nul_in(value: &serde_json::Value, path: &str) -> Option<String> {
    let here = || {
        if path.is_empty() {
            "body".to_string()
        } else {
            path.to_string()
        }
    };
    let join = |name: &str| {
        if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        }
    };
    match value {
        serde_json::Value::String(s) => s.contains('\0').then(here),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_in(v, &join(&i.to_string()))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(here())
            } else {
                nul_in(v, &join(k))
            }
        }),
        _ => None,
    }
}

fn malformed(err: &serde_json::Error) -> ApiError {
    ApiError::BadRequest {
        code: "malformed_json",
        detail: format!("the body is not valid JSON: {err}"),
    }
}

/// Maps one serde data error to `{field, code, message}`.
fn field_error(path: &str, message: &str) -> FieldError {
    let base = if path == "." { "" } else { path };
    let message = strip_position(message);
    let join = |name: &str| {
        if base.is_empty() {
            name.to_string()
        } else {
            format!("{base}.{name}")
        }
    };
    if let Some(name) = backticked(&message, "missing field `") {
        return FieldError::new(join(&name), "required", format!("`{name}` is required"));
    }
    if let Some(name) = backticked(&message, "unknown field `") {
        // serde_path_to_error reports the unknown field itself as the path's last segment.
        let field = if base.ends_with(&name) {
            base.to_string()
        } else {
            join(&name)
        };
        return FieldError::new(
            field,
            "unknown_field",
            format!("`{name}` is not a known field"),
        );
    }
    let field = if base.is_empty() {
        "body".to_string()
    } else {
        base.to_string()
    };
    let code = if message.starts_with("invalid type") {
        "invalid_type"
    } else if message.starts_with("unknown variant") {
        "invalid_value"
    } else if message.starts_with("invalid length") {
        "invalid_length"
    } else {
        "invalid_value"
    };
    FieldError::new(field, code, message)
}

fn backticked(message: &str, prefix: &str) -> Option<String> {
    let rest = message.strip_prefix(prefix)?;
    Some(rest.split('`').next()?.to_string())
}

/// serde_json appends " at line 1 column 20"; the field name says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal_types::PortalLoginRequest;

    fn errors(body: &str) -> Vec<FieldError> {
        match parse::<PortalLoginRequest>(body.as_bytes()) {
            Err(ApiError::Validation(errors)) => errors,
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn names_the_missing_field() {
        let e = errors(r#"{"organization":"demo","username":"acme"}"#);
        assert_eq!(e[0].field, "password");
        assert_eq!(e[0].code, "required");
    }

    #[test]
    fn names_the_unknown_field() {
        let e = errors(r#"{"organization":"demo","username":"acme","password":"x","admin":true}"#);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("admin", "unknown_field")
        );
    }

    #[test]
    fn names_the_field_of_the_wrong_type() {
        let e = errors(r#"{"organization":"demo","username":42,"password":"x"}"#);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("username", "invalid_type")
        );
        assert!(!e[0].message.contains("line"), "{}", e[0].message);
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        for body in [
            "{",
            "not json",
            "",
            r#"{"organization":"d","username":"u","password":"p"} x"#,
            "[1,",
        ] {
            assert!(
                matches!(
                    parse::<PortalLoginRequest>(body.as_bytes()),
                    Err(ApiError::BadRequest {
                        code: "malformed_json",
                        ..
                    })
                ),
                "{body:?}"
            );
        }
    }

    #[test]
    fn a_nul_character_is_refused_naming_the_field() {
        let e = errors(r#"{"organization":"demo","username":"ac\u0000me","password":"x"}"#);
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("username", "invalid_character")
        );
        // an escaped backslash followed by "u0000" is text, not NUL
        assert!(
            parse::<PortalLoginRequest>(
                br#"{"organization":"demo","username":"a\\u0000","password":"x"}"#
            )
            .is_ok()
        );
    }

    #[test]
    fn a_nested_object_sent_as_an_array_is_a_type_error_naming_it() {
        let e = match parse::<portal_types::SettingsUpdate>(
            br#"{"portal": {"actions": [true, false], "document_types": []}}"#,
        ) {
            Err(ApiError::Validation(errors)) => errors,
            other => panic!("expected a validation error, got {other:?}"),
        };
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("portal.actions", "invalid_type")
        );
        let lines = parse::<portal_types::NewDocument>(
            br#"{"contractor_id": 1, "type": "invoice", "lines": [["x", "1", "", "1", null, "20"]]}"#,
        );
        match lines {
            Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, "lines[0]"),
            other => panic!("expected a validation error, got {other:?}"),
        }
        // arrays where the contract has arrays are fine
        assert!(
            parse::<portal_types::SettingsUpdate>(
                br#"{"portal": {"document_types": ["invoice"]}}"#
            )
            .is_ok()
        );
    }

    #[test]
    fn a_non_object_is_a_type_error_of_the_body() {
        let e = errors("[1,2]");
        assert_eq!(
            (e[0].field.as_str(), e[0].code.as_str()),
            ("body", "invalid_type")
        );
    }
}
