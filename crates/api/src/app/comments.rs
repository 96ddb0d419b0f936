//! The conversation on a document: the customer's portal users and the issuer's staff write in
//! one thread, with files attached (a proof of payment, a signed delivery note).
//!
//! A comment is checked whole before anything is written (every problem reported at once);
//! its files go to the object store first, then the comment, its attachment rows, its event
//! and its mails are written in one transaction. Should that fail, the objects are removed
//! again; should the process die in between, the sweep removes them (`storage::sweep`): no
//! row ever names a missing object.

use bytes::Bytes;
use portal_domain::locale::Locale;
use portal_domain::{fields, files};
use portal_store::comments::{self as stored, Author, StoredFile};
use portal_store::entities::{attachment, comment, contractor, document, portal_user};
use portal_store::issuer::{IssuerScope, documents as issuer_documents, staff};
use portal_store::portal::{find_visible, released_types};
use portal_store::{events, outbox};
use portal_types::{
    AttachmentInfo, Comment, CommentSide, CommentThread, DocumentType, FieldError, UnreadComments,
    UnreadDocument,
};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};

use super::links;
use crate::auth::{IssuerCaller, IssuerSession, PortalSession};
use crate::error::ApiError;
use crate::mail::templates;
use crate::state::AppState;
use crate::storage;

/// The longest comment, in characters.
pub const MAX_BODY: usize = 10_000;

/// The most documents `unread` lists.
const UNREAD_LIMIT: u64 = 100;

/// Who is asking.
#[derive(Clone, Copy)]
pub enum Caller<'a> {
    /// A portal user, for its customer.
    Portal(&'a PortalSession),
    /// A member of the issuer's staff.
    Issuer(&'a IssuerSession),
}

/// A comment as received, before any check.
#[derive(Debug, Default)]
pub struct Upload {
    /// The text (may be empty when files are attached).
    pub body: String,
    /// The files, in the order sent.
    pub files: Vec<UploadedFile>,
}

/// One file as received.
#[derive(Debug)]
pub struct UploadedFile {
    /// The name it was sent with.
    pub name: String,
    /// Its content.
    pub bytes: Bytes,
}

/// The display name of a portal user: first and last name, else the username.
pub fn person(user: &portal_user::Model) -> String {
    let name = format!("{} {}", user.first_name, user.last_name);
    match name.trim() {
        "" => user.username.clone(),
        name => name.to_string(),
    }
}

impl Caller<'_> {
    /// The caller as a reader of conversations.
    fn reader(&self) -> stored::Reader {
        match self {
            Caller::Portal(s) => stored::Reader::PortalUser(s.portal_user_id),
            Caller::Issuer(s) => match &s.caller {
                IssuerCaller::Staff { staff_user_id } => stored::Reader::Staff(*staff_user_id),
                IssuerCaller::ApiKey { id, .. } => stored::Reader::ApiKey(*id),
            },
        }
    }

    fn organization_id(&self) -> i64 {
        match self {
            Caller::Portal(s) => s.organization_id,
            Caller::Issuer(s) => s.organization_id,
        }
    }

    /// The document, when the caller may see it, and whether it may comment on it: a portal
    /// user when the issuer releases commenting; staff on any issued document.
    async fn document(
        &self,
        db: &impl sea_orm::ConnectionTrait,
        id: i64,
    ) -> Result<(document::Model, bool), ApiError> {
        match self {
            Caller::Portal(session) => {
                let doc = find_visible(db, &session.scope(), id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                Ok((doc, session.organization.portal_allow_comments))
            }
            Caller::Issuer(session) => {
                let doc = issuer_documents::find(db, session.scope(), id)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                let open = doc.state != "draft";
                Ok((doc, open))
            }
        }
    }
}

/// A document's thread, oldest comment first.
pub async fn thread(
    state: &AppState,
    caller: Caller<'_>,
    id: i64,
) -> Result<CommentThread, ApiError> {
    let (doc, can_comment) = caller.document(&state.db, id).await?;
    let items: Vec<Comment> = stored::thread(&state.db, caller.organization_id(), doc.id)
        .await?
        .into_iter()
        .map(|(c, files)| view(c, files))
        .collect();
    let reader = caller.reader();
    let last_read_comment_id = stored::last_read(&state.db, doc.id, reader).await?;
    if let Some(newest) = items.last().map(|c| c.id)
        && newest > last_read_comment_id
    {
        stored::mark_read(
            &state.db,
            caller.organization_id(),
            doc.id,
            reader,
            newest,
            portal_store::now(),
        )
        .await?;
    }
    Ok(CommentThread {
        items,
        can_comment,
        last_read_comment_id,
    })
}

/// The caller's documents with comments of the other side it has not read, newest first.
pub async fn unread(state: &AppState, caller: Caller<'_>) -> Result<UnreadComments, ApiError> {
    let scope = match caller {
        Caller::Portal(s) => Some(s.scope()),
        Caller::Issuer(_) => None,
    };
    let visible = stored::Visible {
        contractor_id: scope.as_ref().map(|s| s.contractor_id),
        types: scope.as_ref().map(|s| s.types.as_slice()),
    };
    let rows = stored::unread(
        &state.db,
        caller.organization_id(),
        caller.reader(),
        visible,
        UNREAD_LIMIT,
    )
    .await?;
    Ok(UnreadComments {
        items: rows
            .into_iter()
            .filter_map(|r| {
                Some(UnreadDocument {
                    document_id: r.document_id,
                    number: r.number,
                    doc_type: DocumentType::parse(&r.doc_type)?,
                    contractor_id: r.contractor_id,
                    contractor_name: r.contractor_name,
                    unread: u32::try_from(r.unread).unwrap_or(u32::MAX),
                })
            })
            .collect(),
    })
}

/// An attachment of a comment on document `id`, with its content.
pub async fn attachment(
    state: &AppState,
    caller: Caller<'_>,
    id: i64,
    attachment_id: i64,
) -> Result<(attachment::Model, Bytes), ApiError> {
    let (doc, _) = caller.document(&state.db, id).await?;
    let file = stored::find_attachment(&state.db, caller.organization_id(), doc.id, attachment_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let bytes = state.storage.get(&file.storage_key).await.map_err(|e| {
        tracing::error!(attachment = file.id, error = %e, "an attachment could not be read");
        ApiError::Unavailable {
            retry_after_secs: 5,
        }
    })?;
    Ok((file, bytes))
}

/// A file that passed every check.
struct Checked {
    name: String,
    content_type: &'static str,
    bytes: Bytes,
}

/// Checks a comment whole: every problem at once, nothing written.
fn check(state: &AppState, upload: Upload) -> Result<(String, Vec<Checked>), ApiError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let body = fields::optional_paragraphs("body", &upload.body, MAX_BODY).unwrap_or_else(|e| {
        errors.push(e);
        None
    });
    let max = state.settings.attachments_per_comment;
    if upload.files.len() > max {
        errors.push(FieldError::new(
            "file",
            "too_many",
            format!("at most {max} files go with one comment"),
        ));
    }
    let mut checked = Vec::with_capacity(upload.files.len());
    let no_files = upload.files.is_empty();
    for (i, file) in upload.files.into_iter().enumerate() {
        let field = format!("file[{i}]");
        let name = files::name(&field, &file.name).map_err(|e| errors.push(e));
        let kind = if file.bytes.is_empty() {
            errors.push(FieldError::new(&field, "empty", "the file is empty"));
            None
        } else {
            let kind = files::content_type(&file.bytes);
            if kind.is_none() {
                errors.push(FieldError::new(
                    &field,
                    "unsupported_type",
                    "only PDF, PNG, JPEG and plain text files are accepted (judged by the content)",
                ));
            }
            kind
        };
        if let (Ok(name), Some(content_type)) = (name, kind) {
            checked.push(Checked {
                name,
                content_type,
                bytes: file.bytes,
            });
        }
    }
    if body.is_none() && no_files && errors.is_empty() {
        errors.push(FieldError::new(
            "body",
            "required",
            "write something or attach a file",
        ));
    }
    if errors.is_empty() {
        Ok((body.unwrap_or_default(), checked))
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Document `id`, when the caller may comment on it: asked before the body is read, so that
/// nobody sends megabytes to a document that is not theirs or not open for comments.
pub async fn writable(
    state: &AppState,
    caller: Caller<'_>,
    id: i64,
) -> Result<document::Model, ApiError> {
    let (doc, can_comment) = caller.document(&state.db, id).await?;
    if can_comment {
        return Ok(doc);
    }
    Err(match caller {
        Caller::Portal(_) => ApiError::Forbidden {
            code: "comments_not_allowed",
            detail: "the issuer does not take comments in the portal",
        },
        Caller::Issuer(_) => ApiError::Conflict {
            code: "not_issued",
            detail: "a draft has no conversation; issue it first".to_string(),
        },
    })
}

/// Adds a comment to `doc` (from [`writable`]): the files are stored, then the comment with its
/// attachments, event and mails is written in one transaction.
pub async fn post(
    state: &AppState,
    caller: Caller<'_>,
    doc: &document::Model,
    upload: Upload,
) -> Result<Comment, ApiError> {
    let (body, checked) = check(state, upload)?;
    let organization_id = caller.organization_id();
    let mut files = Vec::with_capacity(checked.len());
    for file in checked {
        let key = storage::new_key(organization_id);
        let stored = StoredFile {
            filename: file.name,
            content_type: file.content_type,
            size_bytes: i64::try_from(file.bytes.len()).unwrap_or(i64::MAX),
            sha256: format!("{:x}", Sha256::digest(&file.bytes)),
            storage_key: key.clone(),
        };
        if let Err(e) = state.storage.put(&key, file.bytes).await {
            tracing::error!(error = %e, "an attachment could not be stored");
            forget(state, &files).await;
            return Err(ApiError::Unavailable {
                retry_after_secs: 5,
            });
        }
        files.push(stored);
    }
    match write(state, caller, doc, &body, &files).await {
        Ok(comment) => {
            state.outbox.wake();
            Ok(comment)
        }
        Err(e) => {
            forget(state, &files).await;
            Err(e)
        }
    }
}

/// Removes the objects of a comment that was not written (the sweep catches what fails here).
async fn forget(state: &AppState, files: &[StoredFile]) {
    for file in files {
        if let Err(e) = state.storage.delete(&file.storage_key).await {
            tracing::warn!(key = %file.storage_key, error = %e, "an unused attachment object stays until the sweep");
        }
    }
}

async fn write(
    state: &AppState,
    caller: Caller<'_>,
    doc: &document::Model,
    body: &str,
    files: &[StoredFile],
) -> Result<Comment, ApiError> {
    let now = portal_store::now();
    let txn = portal_store::begin_write(&state.db).await?;
    let author = match caller {
        Caller::Portal(session) => {
            let user = portal_user::Entity::find_by_id(session.portal_user_id)
                .one(&txn)
                .await?
                .ok_or(ApiError::NotFound)?;
            Author::PortalUser {
                id: user.id,
                name: person(&user),
            }
        }
        Caller::Issuer(session) => super::company::issuer_author(&txn, session).await?,
    };
    let (comment, attachments) = stored::insert(
        &txn,
        caller.organization_id(),
        doc.id,
        &author,
        body,
        files,
        now,
    )
    .await?;
    let details = Some(serde_json::json!({ "comment_id": comment.id, "files": files.len() }));
    match caller {
        Caller::Portal(session) => {
            events::record_portal(&txn, session.actor(), "commented", Some(doc.id), details)
                .await?;
        }
        Caller::Issuer(session) => {
            events::record(
                &txn,
                events::NewEvent {
                    organization_id: session.organization_id,
                    contractor_id: Some(doc.contractor_id),
                    document_id: Some(doc.id),
                    actor: session.actor(),
                    kind: "commented",
                    client: &session.client,
                    details,
                },
            )
            .await?;
        }
    }
    notify(state, &txn, caller, doc, &comment, files.len(), now).await?;
    txn.commit().await?;
    Ok(view(comment, attachments))
}

/// Mails the other side: a customer's comment to its salesperson (else the owners and admins),
/// a staff reply to the customer's portal users (when the customer sees the document).
async fn notify(
    state: &AppState,
    txn: &DatabaseTransaction,
    caller: Caller<'_>,
    doc: &document::Model,
    comment: &comment::Model,
    file_count: usize,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ApiError> {
    let org = match caller {
        Caller::Portal(s) => &s.organization,
        Caller::Issuer(s) => &s.organization,
    };
    let customer = contractor::Entity::find_by_id(doc.contractor_id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound)?;
    let doc_type = DocumentType::parse(&doc.doc_type).unwrap_or(DocumentType::Invoice);
    let words = |locale: Locale, name: &str, author: &str| {
        templates::comment_posted(
            locale,
            &org.legal_name,
            Some(name),
            author,
            doc_type,
            &doc.number,
            &comment.body,
            file_count,
        )
    };
    match caller {
        Caller::Portal(_) => {
            let locale = Locale::parse(&org.default_locale).unwrap_or_default();
            let link = links::admin(&state.settings, &format!("/documents/{}", doc.id));
            let author = format!("{} ({})", comment.author_name, customer.name);
            for member in
                staff::responsible_for(txn, IssuerScope::new(org.id), customer.salesperson_id)
                    .await?
            {
                let mail = templates::compose(
                    locale,
                    &member.email,
                    Some(&member.name),
                    words(locale, &member.name, &author),
                    &link,
                );
                outbox::enqueue_email(txn, Some(org.id), &mail, now).await?;
            }
        }
        Caller::Issuer(_) => {
            if !customer.portal_access || !released_types(org).contains(&doc_type) {
                return Ok(());
            }
            let locale = Locale::parse(&customer.locale).unwrap_or_default();
            let link = links::portal(
                &state.settings,
                &org.slug,
                &format!("/documents/{}", doc.id),
            );
            let author = format!("{} ({})", comment.author_name, org.legal_name);
            let recipients = portal_user::Entity::find()
                .filter(portal_user::Column::OrganizationId.eq(org.id))
                .filter(portal_user::Column::ContractorId.eq(customer.id))
                .filter(portal_user::Column::State.ne("disabled"))
                .all(txn)
                .await?;
            for user in recipients {
                let Some(email) = &user.email else { continue };
                let name = person(&user);
                let mail = templates::compose(
                    locale,
                    email,
                    Some(&name),
                    words(locale, &user.first_name, &author),
                    &link,
                );
                outbox::enqueue_email(txn, Some(org.id), &mail, now).await?;
            }
        }
    }
    Ok(())
}

fn view(c: comment::Model, files: Vec<attachment::Model>) -> Comment {
    Comment {
        id: c.id,
        side: if c.side == "issuer" {
            CommentSide::Issuer
        } else {
            CommentSide::Customer
        },
        author: c.author_name,
        body: c.body,
        created_at: c.created_at,
        attachments: files
            .into_iter()
            .map(|a| AttachmentInfo {
                id: a.id,
                filename: a.filename,
                content_type: a.content_type,
                size_bytes: a.size_bytes,
            })
            .collect(),
    }
}
