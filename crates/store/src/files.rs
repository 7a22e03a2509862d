//! Metadata of uploaded files. Every lookup names the tenant and the draft, so a file id
//! alone never opens a file.

use crate::{now_millis, with_pool, Db, StoreError};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileMeta {
    pub tenant_id: String,
    pub id: String,
    pub draft_id: String,
    pub field: String,
    pub name: String,
    pub size: i64,
    pub kind: String,
    pub sha256: String,
}

/// The columns of a `files` row that make a [`FileMeta`].
pub(crate) const FILE_COLUMNS: &str = "tenant_id, id, draft_id, field, name, size, type, sha256";

/// A [`FileMeta`] from a row with [`FILE_COLUMNS`].
macro_rules! file_from {
    ($r:expr) => {
        FileMeta {
            tenant_id: $r.get("tenant_id"),
            id: $r.get("id"),
            draft_id: $r.get("draft_id"),
            field: $r.get("field"),
            name: $r.get("name"),
            size: $r.get("size"),
            kind: $r.get("type"),
            sha256: $r.get("sha256"),
        }
    };
}
pub(crate) use file_from;

impl Db {
    /// Records an uploaded file. With `replace`, earlier files of the same field of this
    /// draft (not Postkorb attachments) are removed in the same transaction; their ids come
    /// back so the caller can delete their bytes.
    pub async fn add_file(&self, f: &FileMeta, replace: bool) -> Result<Vec<String>, StoreError> {
        with_pool!(self, |p| async {
            let mut tx = p.begin().await?;
            let mut old = Vec::new();
            if replace {
                old = sqlx::query(
                    "SELECT id FROM files WHERE tenant_id = $1 AND draft_id = $2 AND field = $3 \
                     AND message_id IS NULL",
                )
                .bind(&f.tenant_id)
                .bind(&f.draft_id)
                .bind(&f.field)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.get::<String, _>("id"))
                .collect();
                sqlx::query(
                    "DELETE FROM files WHERE tenant_id = $1 AND draft_id = $2 AND field = $3 \
                     AND message_id IS NULL",
                )
                .bind(&f.tenant_id)
                .bind(&f.draft_id)
                .bind(&f.field)
                .execute(&mut *tx)
                .await?;
            }
            sqlx::query(
                "INSERT INTO files (tenant_id, id, draft_id, field, name, size, type, sha256, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(&f.tenant_id)
            .bind(&f.id)
            .bind(&f.draft_id)
            .bind(&f.field)
            .bind(&f.name)
            .bind(f.size)
            .bind(&f.kind)
            .bind(&f.sha256)
            .bind(now_millis())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(old)
        }
        .await)
        .map_err(StoreError::from_sqlx)
    }

    /// A file of a draft of `tenant_id`, if both match.
    pub async fn file_of_draft(
        &self,
        tenant_id: &str,
        draft_id: &str,
        id: &str,
    ) -> Result<Option<FileMeta>, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(&format!(
            "SELECT {FILE_COLUMNS} FROM files WHERE tenant_id = $1 AND draft_id = $2 AND id = $3"
        ))
        .bind(tenant_id)
        .bind(draft_id)
        .bind(id)
        .fetch_optional(p)
        .await?
        .map(|r| file_from!(r))))
    }

    /// The field and size of every file of a draft (for the per-application limit).
    pub async fn draft_file_sizes(
        &self,
        tenant_id: &str,
        draft_id: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT field, size FROM files WHERE tenant_id = $1 AND draft_id = $2"
        )
        .bind(tenant_id)
        .bind(draft_id)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| (r.get("field"), r.get("size")))
        .collect()))
    }
}
