//! The conversation on a document: comments of the customer's portal users and the issuer's
//! staff, with attachments.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who wrote a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommentSide {
    /// One of the customer's portal users.
    Customer,
    /// The issuer's staff (or an integration acting for it).
    Issuer,
}

/// A file attached to a comment. Its content is downloaded from the document's
/// `attachments/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AttachmentInfo {
    pub id: i64,
    /// The name it was uploaded with, for display only.
    pub filename: String,
    /// What its content is: `application/pdf`, `image/png`, `image/jpeg` or `text/plain`.
    pub content_type: String,
    /// Its size in bytes.
    pub size_bytes: i64,
}

/// One comment on a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: i64,
    /// The customer's side or the issuer's.
    pub side: CommentSide,
    /// The author's name as it was when writing.
    pub author: String,
    /// Plain text, never markup; line breaks kept.
    pub body: String,
    /// When it was written.
    #[serde(deserialize_with = "crate::wire::deserialize_instant")]
    pub created_at: DateTime<Utc>,
    /// Its files, in the order they were sent.
    pub attachments: Vec<AttachmentInfo>,
}

/// A document's thread, oldest comment first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentThread {
    /// Every comment, oldest first.
    pub items: Vec<Comment>,
    /// Whether the caller may add one (the issuer releases commenting in the portal; staff
    /// comment on issued documents).
    pub can_comment: bool,
    /// The newest comment the caller had seen before this read (0: none): the other side's
    /// comments after it are new. Reading the thread marks all of it read.
    #[serde(default)]
    pub last_read_comment_id: i64,
}

/// A document with comments of the other side the caller has not read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadDocument {
    /// Document id.
    pub document_id: i64,
    /// Document number.
    pub number: String,
    /// Document type.
    pub doc_type: crate::DocumentType,
    /// The customer (contractor) id.
    pub contractor_id: i64,
    /// The customer's name.
    pub contractor_name: String,
    /// How many comments are unread.
    pub unread: u32,
}

/// `GET …/comments/unread`: the caller's documents with unread comments, newest first (at most
/// 100).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnreadComments {
    /// The documents.
    pub items: Vec<UnreadDocument>,
}

/// A comment without files, as JSON (with files it is sent as `multipart/form-data`: a
/// `body` part and up to five `file` parts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// Plain text, 1 to 10,000 characters.
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 10000))]
    pub body: String,
}

/// The `multipart/form-data` form of a comment, as documented (the server reads the parts
/// itself): the text and its files.
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCommentForm {
    /// Plain text, 1 to 10,000 characters (may be empty when files are attached).
    #[serde(default)]
    pub body: String,
    /// Up to five files (PDF, PNG, JPEG or plain text), each at most 10 MB by default.
    #[serde(default)]
    #[schema(value_type = Vec<String>, format = Binary)]
    pub file: Vec<Vec<u8>>,
}
