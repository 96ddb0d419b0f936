//! What the portal's and the issuer's comment routes share: reading a comment from a JSON or
//! `multipart/form-data` body within the limits, and answering an attachment's download.

use actix_multipart::{Field, Multipart, MultipartError};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use portal_domain::files;
use portal_store::entities::attachment;
use portal_types::{FieldError, NewComment};

use crate::app::comments::{self, Caller, MAX_BODY, Upload, UploadedFile};
use crate::error::ApiError;
use crate::json::{BodyHead, JSON_LIMIT, media_type, parse, read_limited};
use crate::state::AppState;

/// Room for the text part and the parts' headers beside the files.
const FORM_OVERHEAD: usize = 256 * 1024;

/// `POST …/documents/{id}/comments` on either side: whether the caller may write there is
/// checked before the body is read; the answer is the comment written.
pub async fn post_comment(
    state: &AppState,
    caller: Caller<'_>,
    id: i64,
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let doc = comments::writable(state, caller, id).await?;
    let upload = read_comment(state, request, payload).await?;
    let comment = comments::post(state, caller, &doc, upload).await?;
    Ok(HttpResponse::Created().json(comment))
}

/// `GET …/documents/{id}/attachments/{attachment_id}` on either side.
pub async fn download(
    state: &AppState,
    caller: Caller<'_>,
    (id, attachment_id): (i64, i64),
) -> Result<HttpResponse, ApiError> {
    let (file, bytes) = comments::attachment(state, caller, id, attachment_id).await?;
    Ok(attachment_response(file, bytes))
}

/// Reads a comment: `application/json` (`{"body": …}`) or `multipart/form-data` with a `body`
/// part and `file` parts. A file over the size limit is a 413 naming it (`file[i]`); the rest
/// of the form is read on to the form's own limit first, so the client hears the answer.
async fn read_comment(
    state: &AppState,
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<Upload, ApiError> {
    let media_type = media_type(request);
    match media_type.as_str() {
        "application/json" => {
            let body =
                read_limited(BodyHead::of(request), payload.into_inner(), JSON_LIMIT).await?;
            let comment: NewComment = parse(&body)?;
            Ok(Upload {
                body: comment.body,
                files: Vec::new(),
            })
        }
        "multipart/form-data" => read_form(state, request, payload).await,
        _ => Err(ApiError::UnsupportedMediaType {
            expected: "application/json or multipart/form-data",
        }),
    }
}

async fn read_form(
    state: &AppState,
    request: &HttpRequest,
    payload: web::Payload,
) -> Result<Upload, ApiError> {
    let file_limit = state.settings.attachment_max_bytes;
    // One file more than allowed still gets its own clear error (`too_many`).
    let form_limit = file_limit
        .saturating_mul(state.settings.attachments_per_comment + 1)
        .saturating_add(FORM_OVERHEAD);
    BodyHead::of(request).check(form_limit)?;
    let mut form = Multipart::new(request.headers(), payload.into_inner());
    let mut upload = Upload::default();
    let mut seen_body = false;
    let mut read = 0usize;
    let mut parts = 0usize;
    while let Some(field) = form.next().await {
        let mut field = match field {
            Ok(field) => field,
            // A form of nothing but its closing boundary (RFC 2046 wants one part at least)
            // is read as the empty form it means, whose answer names `body`.
            Err(MultipartError::Incomplete) if parts == 0 => break,
            Err(e) => return Err(malformed(e)),
        };
        parts += 1;
        let name = field.name().unwrap_or_default().to_string();
        match name.as_str() {
            "body" if !seen_body => {
                seen_body = true;
                // Four bytes a character at most; the characters are counted by the check.
                let bytes = read_part(&mut field, MAX_BODY * 4, &mut read, form_limit)
                    .await?
                    .map_err(|_| {
                        ApiError::field(
                            "body",
                            "too_long",
                            format!("`body` must have at most {MAX_BODY} characters"),
                        )
                    })?;
                upload.body = String::from_utf8(bytes.to_vec()).map_err(|_| {
                    ApiError::field("body", "invalid_encoding", "`body` must be UTF-8 text")
                })?;
            }
            "body" => {
                return Err(ApiError::field("body", "duplicate", "send one `body` part"));
            }
            "file" => {
                let index = upload.files.len();
                let filename = file_name(&field);
                let bytes = match read_part(&mut field, file_limit, &mut read, form_limit).await? {
                    Ok(bytes) => bytes,
                    Err(()) => {
                        // Read the rest (within the form's limit) so the answer is heard.
                        drop(field);
                        drain(form, &mut read, form_limit).await;
                        return Err(ApiError::PartTooLarge(FieldError::new(
                            format!("file[{index}]"),
                            "too_large",
                            format!("the file is larger than {file_limit} bytes"),
                        )));
                    }
                };
                upload.files.push(UploadedFile {
                    name: filename,
                    bytes,
                });
            }
            other => {
                return Err(ApiError::field(
                    other.to_string(),
                    "unknown_field",
                    "only `body` and `file` parts are read",
                ));
            }
        }
    }
    Ok(upload)
}

/// The part's file name as sent (`filename`, else the UTF-8 `filename*`), or empty.
fn file_name(field: &Field) -> String {
    let Some(disposition) = field.content_disposition() else {
        return String::new();
    };
    if let Some(name) = disposition.get_filename() {
        return name.to_string();
    }
    disposition
        .get_filename_ext()
        .and_then(|ext| String::from_utf8(ext.value.clone()).ok())
        .unwrap_or_default()
}

/// Reads one part of at most `limit` bytes: `Ok(Err(()))` when it is larger (the rest of the
/// part is read and dropped: the form's next part can only be read after it); a 413 when the
/// whole form passes `form_limit`.
async fn read_part(
    field: &mut Field,
    limit: usize,
    read: &mut usize,
    form_limit: usize,
) -> Result<Result<Bytes, ()>, ApiError> {
    let mut buffer = BytesMut::new();
    let mut over = false;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(malformed)?;
        *read += chunk.len();
        if *read > form_limit {
            return Err(ApiError::PayloadTooLarge { limit: form_limit });
        }
        if over || buffer.len() + chunk.len() > limit {
            over = true;
            buffer.clear();
        } else {
            buffer.extend_from_slice(&chunk);
        }
    }
    Ok(if over { Err(()) } else { Ok(buffer.freeze()) })
}

/// Reads and drops what is left of a form, up to its limit.
async fn drain(mut form: Multipart, read: &mut usize, form_limit: usize) {
    while let Some(Ok(mut field)) = form.next().await {
        while let Some(Ok(chunk)) = field.next().await {
            *read += chunk.len();
            if *read > form_limit {
                return;
            }
        }
    }
}

fn malformed(e: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest {
        code: "malformed_multipart",
        detail: format!("the multipart/form-data body could not be read: {e}"),
    }
}

/// An attachment's download: always as a file to save (never shown in the page), of the type
/// its content was found to be, sandboxed should a browser open it anyway.
fn attachment_response(file: attachment::Model, bytes: Bytes) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(file.content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            files::attachment_disposition(&file.filename),
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; sandbox",
        ))
        .body(bytes)
}
