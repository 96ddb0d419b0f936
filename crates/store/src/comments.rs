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
    /// An integrator's API key, on the issuer's side, signed with the key's name.
    Integration { name: String },
}

impl Author {
    /// The `side` column.
    pub fn side(&self) -> &'static str {
        match self {
            Author::PortalUser { .. } => "customer",
            Author::Staff { .. } | Author::Integration { .. } => "issuer",
        }
    }

    /// The name shown with the comment.
    pub fn name(&self) -> &str {
        match self {
            Author::PortalUser { name, .. }
            | Author::Staff { name, .. }
            | Author::Integration { name } => name,
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
        Author::Integration { .. } => (None, None),
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

/// Who reads a conversation: the key of its `comment_reads` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// A portal user (reads the issuer's comments).
    PortalUser(i64),
    /// A member of the issuer's staff (reads the customer's comments).
    Staff(i64),
    /// An integrator's API key (reads the customer's comments).
    ApiKey(i64),
}

impl Reader {
    fn key(self) -> String {
        match self {
            Reader::PortalUser(id) => format!("p:{id}"),
            Reader::Staff(id) => format!("s:{id}"),
            Reader::ApiKey(id) => format!("k:{id}"),
        }
    }

    /// The side whose comments this reader has to read.
    fn others(self) -> &'static str {
        match self {
            Reader::PortalUser(_) => "issuer",
            Reader::Staff(_) | Reader::ApiKey(_) => "customer",
        }
    }
}

/// The newest comment of document `document_id` the reader had seen (0: none).
pub async fn last_read(
    db: &impl ConnectionTrait,
    document_id: i64,
    reader: Reader,
) -> Result<i64, StoreError> {
    let row = db
        .query_one_raw(crate::stmt(
            db,
            "SELECT last_read_comment_id FROM comment_reads WHERE reader = $1 AND document_id = $2",
            vec![reader.key().into(), document_id.into()],
        ))
        .await?;
    Ok(match row {
        Some(row) => row.try_get::<i64>("", "last_read_comment_id")?,
        None => 0,
    })
}

/// Notes that the reader has seen the document's comments up to `comment_id` (a mark never
/// moves back: of two readers' tabs the later comment wins).
pub async fn mark_read(
    db: &impl ConnectionTrait,
    organization_id: i64,
    document_id: i64,
    reader: Reader,
    comment_id: i64,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    db.execute_raw(crate::stmt(
        db,
        "INSERT INTO comment_reads (organization_id, document_id, reader, last_read_comment_id, read_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (reader, document_id) DO UPDATE SET
           last_read_comment_id = CASE
             WHEN comment_reads.last_read_comment_id < excluded.last_read_comment_id
             THEN excluded.last_read_comment_id ELSE comment_reads.last_read_comment_id END,
           read_at = excluded.read_at",
        vec![
            organization_id.into(),
            document_id.into(),
            reader.key().into(),
            comment_id.into(),
            now.into(),
        ],
    ))
    .await?;
    Ok(())
}

/// A document with comments its reader has not seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadDocument {
    pub document_id: i64,
    pub number: String,
    pub doc_type: String,
    pub contractor_id: i64,
    pub contractor_name: String,
    /// Comments of the other side past the reader's mark.
    pub unread: i64,
    /// The newest of them.
    pub latest_comment_id: i64,
}

/// Where the documents a reader may see are limited further than to its organisation: a portal
/// user sees its customer's issued documents of the released types.
#[derive(Debug, Clone, Copy)]
pub struct Visible<'a> {
    pub contractor_id: Option<i64>,
    pub types: Option<&'a [portal_types::DocumentType]>,
}

/// The reader's documents with unread comments of the other side, newest first, at most
/// `limit`.
pub async fn unread(
    db: &impl ConnectionTrait,
    organization_id: i64,
    reader: Reader,
    visible: Visible<'_>,
    limit: u64,
) -> Result<Vec<UnreadDocument>, StoreError> {
    let mut sql = crate::sql::Sql::new(
        "SELECT c.document_id, d.number, d.doc_type, d.contractor_id, k.name AS contractor_name, \
         COUNT(*) AS unread, MAX(c.id) AS latest FROM comments c \
         JOIN documents d ON d.id = c.document_id JOIN contractors k ON k.id = d.contractor_id \
         LEFT JOIN comment_reads r ON r.document_id = c.document_id AND r.reader = ",
    );
    sql.bind(reader.key())
        .push(" WHERE c.organization_id = ")
        .bind(organization_id)
        .push(" AND d.organization_id = ")
        .bind(organization_id)
        .push(" AND c.side = ")
        .bind(reader.others())
        .push(" AND c.id > COALESCE(r.last_read_comment_id, 0) AND d.state <> 'draft'");
    if let Some(contractor) = visible.contractor_id {
        sql.push(" AND d.contractor_id = ").bind(contractor);
    }
    if let Some(types) = visible.types {
        if types.is_empty() {
            return Ok(Vec::new());
        }
        sql.push(" AND d.doc_type IN ")
            .bind_list(types.iter().map(|t| t.as_str()));
    }
    sql.push(" GROUP BY c.document_id, d.number, d.doc_type, d.contractor_id, k.name ORDER BY latest DESC LIMIT ")
        .bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let rows = db.query_all_raw(sql.statement(db)).await?;
    rows.into_iter()
        .map(|row| {
            Ok(UnreadDocument {
                document_id: row.try_get("", "document_id")?,
                number: row.try_get("", "number")?,
                doc_type: row.try_get("", "doc_type")?,
                contractor_id: row.try_get("", "contractor_id")?,
                contractor_name: row.try_get("", "contractor_name")?,
                unread: row.try_get("", "unread")?,
                latest_comment_id: row.try_get("", "latest")?,
            })
        })
        .collect()
}
