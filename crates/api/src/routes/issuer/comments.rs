//! The conversation on a document, on the issuer's side.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use portal_types::{Comment, CommentThread, NewComment, Problem, UnreadComments};

use crate::app::comments::{self, Caller};
use crate::auth::IssuerSession;
use crate::error::ApiError;
use crate::routes::comments::{download, post_comment};
use crate::state::AppState;

/// The document's thread: the customer's and the issuer's comments, oldest first, with their
/// files; `can_comment` is false for a draft.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    responses(
        (status = 200, description = "The thread", body = CommentThread),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in the organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}/comments")]
async fn issuer_comments(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
) -> Result<web::Json<CommentThread>, ApiError> {
    Ok(web::Json(
        comments::thread(&state, Caller::Issuer(&session), id.into_inner()).await?,
    ))
}

/// Reply on an issued document: text as JSON, or text and up to five files (PDF, PNG, JPEG or
/// plain text, judged by their content; 10 MB each by default) as `multipart/form-data`. The
/// customer's portal users are mailed when the portal shows them the document.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Document id")),
    request_body(content((NewComment = "application/json"), (portal_types::NewCommentForm = "multipart/form-data"))),
    responses(
        (status = 201, description = "Written", body = Comment),
        (status = 400, description = "A multipart body that cannot be read", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A draft (`not_issued`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document in the organisation", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A file (`file[i]`) or the whole form is too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor multipart/form-data, or compressed (`Content-Encoding`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Text too long or missing, too many files, a file empty, of another type or badly named; `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/documents/{id}/comments")]
async fn issuer_comment(
    state: web::Data<AppState>,
    session: IssuerSession,
    id: web::Path<i64>,
    request: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    post_comment(
        &state,
        Caller::Issuer(&session),
        id.into_inner(),
        &request,
        payload,
    )
    .await
}

/// A file attached to a comment on the document, as a download.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    params(
        ("id" = i64, Path, description = "Document id"),
        ("attachment_id" = i64, Path, description = "Attachment id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document or attachment in the organisation", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/documents/{id}/attachments/{attachment_id}")]
async fn issuer_attachment(
    state: web::Data<AppState>,
    session: IssuerSession,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, ApiError> {
    download(&state, Caller::Issuer(&session), path.into_inner()).await
}

/// The caller's documents with comments it has not read (the organisation's documents whose customer wrote since the caller last opened
/// their conversation), newest first, at most 100.
#[utoipa::path(
    tag = "issuer: documents",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The documents with unread comments", body = UnreadComments),
        (status = 401, description = "No valid issuer access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/comments/unread")]
async fn issuer_unread_comments(
    state: web::Data<AppState>,
    session: IssuerSession,
) -> Result<web::Json<UnreadComments>, ApiError> {
    Ok(web::Json(
        comments::unread(&state, Caller::Issuer(&session)).await?,
    ))
}
