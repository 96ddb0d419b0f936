//! A document's PDF: rendered in-process, cached by content, and each download recorded as the
//! issuer's proof of receipt.

use actix_web::http::header;
use actix_web::{HttpResponse, get, web};
use portal_types::Problem;

use crate::app::pdf;
use crate::auth::PortalSession;
use crate::error::ApiError;
use crate::state::AppState;
use portal_store::events;
use portal_store::portal::{self as documents, find_visible};

/// `?disposition=inline` previews; the default downloads.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PdfParams {
    /// `attachment` (default: a download, recorded as received) or `inline` (a preview in the
    /// browser, recorded as a view).
    #[param(inline)]
    pub(crate) disposition: Option<Disposition>,
}

impl PdfParams {
    /// Parses the query string; an unknown parameter or value is a 422 naming it.
    pub(crate) fn parse(pairs: &[(String, String)]) -> Result<PdfParams, ApiError> {
        let mut params = PdfParams { disposition: None };
        let mut errors = Vec::new();
        for (key, value) in pairs {
            match key.as_str() {
                "disposition" => match value.as_str() {
                    "attachment" => params.disposition = Some(Disposition::Attachment),
                    "inline" => params.disposition = Some(Disposition::Inline),
                    _ => errors.push(portal_types::FieldError::new(
                        "disposition",
                        "invalid_value",
                        "must be `attachment` or `inline`",
                    )),
                },
                other => errors.push(portal_types::FieldError::new(
                    other,
                    "unknown_parameter",
                    format!("`{other}` is not a parameter of this endpoint"),
                )),
            }
        }
        if errors.is_empty() {
            Ok(params)
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// How the browser should treat the PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq, utoipa::ToSchema)]
#[schema(rename_all = "snake_case")]
pub enum Disposition {
    /// Save as a file.
    Attachment,
    /// Show in the page.
    Inline,
}

/// A file name safe in any browser and file system: `invoice-0000000123.pdf`.
pub fn filename(doc_type: &str, number: &str) -> String {
    let clean: String = number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    format!("{}-{clean}.pdf", doc_type.replace('_', "-"))
}

/// The document as PDF. A download (the default) sets `downloaded_at` and records an event —
/// the issuer's proof that the customer received the document; `disposition=inline` is a
/// preview and counts as a view only.
#[utoipa::path(
    tag = "portal: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id"), PdfParams),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 401, description = "No valid portal access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The organisation does not release downloads", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document for this customer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown parameter or value; `errors` names it", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}/pdf")]
async fn document_pdf(
    state: web::Data<AppState>,
    session: PortalSession,
    id: web::Path<i64>,
    query: web::Query<Vec<(String, String)>>,
) -> Result<HttpResponse, ApiError> {
    let params = PdfParams::parse(&query)?;
    let scope = session.scope();
    let doc = find_visible(&state.db, &scope, id.into_inner())
        .await?
        .ok_or(ApiError::NotFound)?;
    let inline = params.disposition == Some(Disposition::Inline);
    if !inline && !scope.organization.portal_allow_download {
        return Err(ApiError::Forbidden {
            code: "download_not_allowed",
            detail: "the issuer does not release downloads",
        });
    }
    let model = pdf::pdf_model(&state.db, &scope.organization, &doc).await?;
    let bytes = pdf::rendered(&state, model, doc.organization_id, doc.id).await?;

    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let kind = if inline {
        documents::mark_viewed(&txn, doc.id, now)
            .await?
            .then_some("viewed")
    } else {
        documents::mark_downloaded(&txn, doc.id, now).await?;
        Some("downloaded")
    };
    if let Some(kind) = kind {
        events::record_portal(&txn, session.actor(), kind, Some(doc.id), None).await?;
    }
    txn.commit().await?;

    let name = filename(&doc.doc_type, &doc.number);
    let disposition = if inline { "inline" } else { "attachment" };
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        // The SPA shows the preview in a frame of its own origin.
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'self'",
        ))
        .insert_header((header::X_FRAME_OPTIONS, "SAMEORIGIN"))
        .body(bytes))
}
