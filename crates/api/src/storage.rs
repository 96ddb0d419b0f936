//! Where attachments live: one interface (the `object_store` crate) over the local disk (the
//! default: `<data dir>/files`) and S3-compatible stores (`PORTAL_STORAGE_URL=s3://bucket/prefix`,
//! with the usual `AWS_*` variables; `AWS_ENDPOINT` and `AWS_ALLOW_HTTP=true` for a store that is
//! not AWS).
//!
//! Objects are written before the database rows that point at them and removed after: a crash
//! in between leaves an object no row names, never a row without its object. [`sweep`] removes
//! such orphans once they are old enough that no upload can still be committing them.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use futures_util::StreamExt;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::prefix::PrefixStore;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect};

use crate::config::Settings;
use portal_store::entities::attachment;

/// The prefix every attachment's key starts with.
pub const ATTACHMENTS: &str = "attachments";

/// How old an unreferenced object must be before the sweep removes it: far longer than any
/// upload takes to commit.
pub const ORPHAN_AGE: Duration = Duration::from_secs(3600);

/// The configured object store.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// Where, for the log: `local:/path` or `s3://bucket/prefix`.
    pub describe: String,
}

impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe)
    }
}

/// A storage failure, reported to the client as a 503 (the store is an outside service).
#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StorageError(String);

impl From<object_store::Error> for StorageError {
    fn from(e: object_store::Error) -> Self {
        StorageError(e.to_string())
    }
}

impl Storage {
    /// The store `settings` name: S3-compatible for an `s3://` URL (configured by the `AWS_*`
    /// variables, then by `settings.storage_options`), else the local disk under the data dir.
    pub fn open(settings: &Settings) -> anyhow::Result<Storage> {
        match settings.storage_url.as_deref() {
            None | Some("") => {
                let dir = settings.data_dir.join("files");
                std::fs::create_dir_all(&dir)?;
                let store = LocalFileSystem::new_with_prefix(&dir)?;
                Ok(Storage {
                    store: Arc::new(store),
                    describe: format!("local:{}", dir.display()),
                })
            }
            Some(url) => {
                let rest = url.strip_prefix("s3://").ok_or_else(|| {
                    anyhow::anyhow!("PORTAL_STORAGE_URL must be s3://bucket[/prefix], not {url}")
                })?;
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                anyhow::ensure!(!bucket.is_empty(), "PORTAL_STORAGE_URL names no bucket");
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                for (key, value) in &settings.storage_options {
                    let key: AmazonS3ConfigKey = key
                        .parse()
                        .map_err(|e| anyhow::anyhow!("storage option {key}: {e}"))?;
                    builder = builder.with_config(key, value);
                }
                let s3 = builder.build()?;
                let prefix = prefix.trim_matches('/');
                let store: Arc<dyn ObjectStore> = if prefix.is_empty() {
                    Arc::new(s3)
                } else {
                    Arc::new(PrefixStore::new(s3, prefix))
                };
                Ok(Storage {
                    store,
                    describe: url.to_string(),
                })
            }
        }
    }

    /// Writes an object (whole, or not at all).
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        self.store
            .put(&Path::from(key), PutPayload::from_bytes(bytes))
            .await?;
        Ok(())
    }

    /// Reads an object.
    pub async fn get(&self, key: &str) -> Result<Bytes, StorageError> {
        Ok(self.store.get(&Path::from(key)).await?.bytes().await?)
    }

    /// Removes an object; one that is not there is no error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// Every object under `prefix` with its last change.
    pub async fn list(&self, prefix: &str) -> Result<Vec<(String, DateTime<Utc>)>, StorageError> {
        let mut listing = self.store.list(Some(&Path::from(prefix)));
        let mut found = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            found.push((meta.location.to_string(), meta.last_modified));
        }
        Ok(found)
    }
}

/// A new, unguessable key for an organisation's attachment.
pub fn new_key(organization_id: i64) -> String {
    format!("{ATTACHMENTS}/{organization_id}/{}", uuid::Uuid::new_v4())
}

/// Removes attachment objects older than `min_age` that no attachment row names (left by a
/// crash or a failed commit). Returns how many were removed.
pub async fn sweep(
    db: &DatabaseConnection,
    storage: &Storage,
    min_age: Duration,
) -> anyhow::Result<usize> {
    let cutoff = Utc::now() - chrono::Duration::from_std(min_age)?;
    let old: Vec<String> = storage
        .list(ATTACHMENTS)
        .await?
        .into_iter()
        .filter(|(_, modified)| *modified < cutoff)
        .map(|(key, _)| key)
        .collect();
    let mut removed = 0;
    for chunk in old.chunks(500) {
        let known: std::collections::HashSet<String> = attachment::Entity::find()
            .select_only()
            .column(attachment::Column::StorageKey)
            .filter(attachment::Column::StorageKey.is_in(chunk.iter().cloned()))
            .into_tuple::<String>()
            .all(db)
            .await?
            .into_iter()
            .collect();
        for key in chunk.iter().filter(|k| !known.contains(*k)) {
            storage.delete(key).await?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Sweeps every hour, for as long as the server runs.
pub async fn sweep_forever(db: DatabaseConnection, storage: Storage) {
    let mut tick = tokio::time::interval(ORPHAN_AGE);
    loop {
        tick.tick().await;
        match sweep(&db, &storage, ORPHAN_AGE).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "orphaned attachment objects removed"),
            Err(e) => tracing::warn!(error = %e, "sweeping orphaned attachments failed"),
        }
    }
}
