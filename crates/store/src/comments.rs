//! The conversation on a document. Callers reach a document through a scoped look-up first
//! ([`crate::portal::find_visible`], [`crate::issuer::documents::find`]); everything here is
//! then limited to that document of that organisation.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::StoreError;
use crate::entities::{attachment, comment};

/// Which side wrote a comment, and who.
#[derive(Debug, Clone)]
pub enum Author {
    /// A portal user of the document's customer.
    PortalUser { id: i64, name: String },
    /// A member of the issuer's staff.
    Staff { id: i64, name: String },
}

impl Author {
    /// The `side` column.
    pub fn side(&self) -> &'static str {
        match self {
            Author::PortalUser { .. } => "customer",
            Author::Staff { .. } => "issuer",
        }
    }

    /// The name shown with the comment.
    pub fn name(&self) -> &str {
        match self {
            Author::PortalUser { name, .. } | Author::Staff { name, .. } => name,
        }
    }
}

/// A file stored already, to be named by an attachment row.
#[derive(Debug, Clone)]
pub struct StoredFile {
    pub filename: String,
    pub content_type: &'static str,
    pub size_bytes: i64,
    pub sha256: String,
    pub storage_key: String,
}

/// Adds a comment and its attachments to document `document_id`.
pub async fn insert(
    db: &impl ConnectionTrait,
    organization_id: i64,
    document_id: i64,
    author: &Author,
    body: &str,
    files: &[StoredFile],
    now: DateTime<Utc>,
) -> Result<(comment::Model, Vec<attachment::Model>), StoreError> {
    let (portal_user, staff_user) = match author {
        Author::PortalUser { id, .. } => (Some(*id), None),
        Author::Staff { id, .. } => (None, Some(*id)),
    };
    let comment = comment::ActiveModel {
        organization_id: Set(organization_id),
        document_id: Set(document_id),
        author_portal_user_id: Set(portal_user),
        author_staff_user_id: Set(staff_user),
        body: Set(body.to_string()),
        created_at: Set(now),
        side: Set(author.side().to_string()),
        author_name: Set(author.name().to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let mut attachments = Vec::with_capacity(files.len());
    for file in files {
        attachments.push(
            attachment::ActiveModel {
                organization_id: Set(organization_id),
                comment_id: Set(comment.id),
                filename: Set(file.filename.clone()),
                content_type: Set(file.content_type.to_string()),
                size_bytes: Set(file.size_bytes),
                sha256: Set(file.sha256.clone()),
                storage_key: Set(file.storage_key.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?,
        );
    }
    Ok((comment, attachments))
}

/// A document's comments, oldest first, each with its attachments in the order sent.
pub async fn thread(
    db: &impl ConnectionTrait,
    organization_id: i64,
    document_id: i64,
) -> Result<Vec<(comment::Model, Vec<attachment::Model>)>, StoreError> {
    let comments = comment::Entity::find()
        .filter(comment::Column::OrganizationId.eq(organization_id))
        .filter(comment::Column::DocumentId.eq(document_id))
        .order_by_asc(comment::Column::Id)
        .all(db)
        .await?;
    let mut files = if comments.is_empty() {
        Vec::new()
    } else {
        attachment::Entity::find()
            .filter(attachment::Column::OrganizationId.eq(organization_id))
            .filter(attachment::Column::CommentId.is_in(comments.iter().map(|c| c.id)))
            .order_by_asc(attachment::Column::Id)
            .all(db)
            .await?
    };
    Ok(comments
        .into_iter()
        .map(|c| {
            let (mine, rest): (Vec<_>, Vec<_>) =
                files.drain(..).partition(|a| a.comment_id == c.id);
            files = rest;
            (c, mine)
        })
        .collect())
}

/// An attachment of a comment on document `document_id`, or `None`.
pub async fn find_attachment(
    db: &impl ConnectionTrait,
    organization_id: i64,
    document_id: i64,
    attachment_id: i64,
) -> Result<Option<attachment::Model>, StoreError> {
    let Some(file) = attachment::Entity::find_by_id(attachment_id)
        .filter(attachment::Column::OrganizationId.eq(organization_id))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let on_document = comment::Entity::find_by_id(file.comment_id)
        .filter(comment::Column::OrganizationId.eq(organization_id))
        .filter(comment::Column::DocumentId.eq(document_id))
        .one(db)
        .await?
        .is_some();
    Ok(on_document.then_some(file))
}
