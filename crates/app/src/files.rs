//! Files citizens upload: streamed to storage chunk by chunk (never held whole in memory),
//! limited per file and per application with the limit named in the error, typed by their
//! content (not their name), stored under a random id with a sanitised display name, and
//! only ever served through the draft or case they belong to. A face pumps the bytes of
//! each file of a post into an [`Upload`] taken from [`Uploads`].

use crate::{App, AppError};
use rathaus_domain::form::{
    format_bytes, FieldDef, FieldError, FieldKind, FileType, Message, StepDef,
};
use rathaus_store::{FileMeta, StoreError};
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// The file field an input name refers to (`nachweis`, or `kinder.0.urkunde` in a group).
pub fn file_field<'a>(step: &'a StepDef, name: &str) -> Option<&'a FieldDef> {
    let mut parts = name.split('.');
    let top_id = parts.next()?;
    let top = step.fields.iter().find(|f| f.id == top_id)?;
    match (top.kind, parts.next(), parts.next()) {
        (FieldKind::File, None, None) => Some(top),
        (FieldKind::Group, Some(n), Some(member)) if n.parse::<usize>().is_ok() => top
            .fields
            .iter()
            .find(|g| g.id == member && g.kind == FieldKind::File),
        _ => None,
    }
}

/// Whether a step takes files at all (only then may its post be multipart and large).
pub fn takes_files(step: &StepDef) -> bool {
    step.fields
        .iter()
        .any(|f| f.kind == FieldKind::File || f.fields.iter().any(|g| g.kind == FieldKind::File))
}

/// Keeps the base name, replaces characters that are unsafe in file systems and headers,
/// and limits the length; never empty.
pub fn sanitize_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = base
        .chars()
        .map(|c| {
            if c.is_control() || "<>:\"/\\|?*;".contains(c) {
                '_'
            } else {
                c
            }
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    let limited: String = trimmed.chars().take(100).collect();
    if limited.is_empty() {
        "datei".into()
    } else {
        limited
    }
}

fn upload_error(name: &str, key: &'static str, args: Vec<(&'static str, String)>) -> FieldError {
    FieldError {
        name: name.to_owned(),
        message: Message::Key(key, args),
    }
}

/// The files of one post to one draft: what is stored already counts against the
/// application's limit (a replaced file no longer does).
pub struct Uploads<'a> {
    app: &'a App,
    tenant: String,
    draft: String,
    /// A new file replaces the field's earlier one (form steps; a reply's file is new).
    replace: bool,
    stored: Vec<(String, i64)>,
    used: u64,
}

/// One file being received: its spool file is removed on every way out (an error, a
/// cut-off body, a client that went away) unless it was committed.
pub struct Upload {
    name: String,
    original: String,
    limit: u64,
    budget: u64,
    replaced: u64,
    id: String,
    spool: Spool,
    out: tokio::fs::File,
    size: u64,
    head: Vec<u8>,
    hash: Sha256,
    accept: Vec<FileType>,
}

struct Spool(std::path::PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        // After a commit the file has been moved away and this does nothing.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// What became of one file.
pub enum Received {
    /// Stored; the answer to keep for the field (`{id, name, size, type}`).
    Stored(FileMeta, Json),
    /// No file was chosen: the field keeps what it had.
    Nothing,
    /// Refused, with the field's error (too large, wrong type, storage down).
    Refused(FieldError),
}

impl<'a> Uploads<'a> {
    pub async fn begin(
        app: &'a App,
        tenant: &str,
        draft: &str,
        replace: bool,
    ) -> Result<Uploads<'a>, StoreError> {
        let stored = app.db.draft_file_sizes(tenant, draft).await?;
        let used = stored.iter().map(|(_, n)| (*n).max(0) as u64).sum();
        Ok(Uploads {
            app,
            tenant: tenant.to_owned(),
            draft: draft.to_owned(),
            replace,
            stored,
            used,
        })
    }

    /// Starts receiving file `original` for input `name` of field `def`.
    pub async fn file(
        &self,
        name: &str,
        original: &str,
        def: &FieldDef,
    ) -> Result<Upload, std::io::Error> {
        // A replaced file does not count against the application's limit.
        let replaced: u64 = if self.replace {
            self.stored
                .iter()
                .filter(|(f, _)| f == name)
                .map(|(_, n)| (*n).max(0) as u64)
                .sum()
        } else {
            0
        };
        let id = uuid::Uuid::new_v4().simple().to_string();
        let spool = Spool(self.app.files.blobs.spool_path(&id).await?);
        let out = tokio::fs::File::create(&spool.0).await?;
        Ok(Upload {
            name: name.to_owned(),
            original: original.to_owned(),
            limit: def.max_file_bytes(),
            budget: self
                .app
                .files
                .max_per_application
                .saturating_sub(self.used.saturating_sub(replaced)),
            replaced,
            id,
            spool,
            out,
            size: 0,
            head: Vec::with_capacity(16),
            hash: Sha256::new(),
            accept: def.accept.clone(),
        })
    }

    /// Checks and stores a received file.
    pub async fn finish(&mut self, mut up: Upload) -> Result<Received, AppError> {
        up.out.flush().await?;
        if up.size == 0 && up.original.is_empty() {
            return Ok(Received::Nothing);
        }
        let max_app = self.app.files.max_per_application;
        if up.size > up.limit {
            let e = upload_error(
                &up.name,
                "error-file-size",
                vec![("limit", format_bytes(up.limit))],
            );
            return Ok(Received::Refused(e));
        }
        if up.size > up.budget {
            let e = upload_error(
                &up.name,
                "error-application-size",
                vec![("limit", format_bytes(max_app))],
            );
            return Ok(Received::Refused(e));
        }
        let Some(kind) = FileType::sniff(&up.head).filter(|k| up.accept.contains(k)) else {
            let allowed: Vec<&str> = up.accept.iter().map(|t| t.as_str()).collect();
            let e = upload_error(
                &up.name,
                "error-file-type",
                vec![("allowed", allowed.join(", ").to_uppercase())],
            );
            return Ok(Received::Refused(e));
        };
        let blobs = &self.app.files.blobs;
        if let Err(e) = blobs.commit(&self.tenant, &up.id, &up.spool.0).await {
            // Storage is down: say so at the field and keep every other answer.
            tracing::error!(error = %e, store = %blobs.describe(), "storing an upload failed");
            return Ok(Received::Refused(upload_error(
                &up.name,
                "error-file-store",
                Vec::new(),
            )));
        }
        let meta = FileMeta {
            tenant_id: self.tenant.clone(),
            id: up.id.clone(),
            draft_id: self.draft.clone(),
            field: up.name.clone(),
            name: sanitize_name(&up.original),
            size: up.size as i64,
            kind: kind.as_str().to_owned(),
            sha256: crate::secrets::hex(&up.hash.finalize_reset()),
        };
        let old = self.app.db.add_file(&meta, self.replace).await?;
        for old_id in old {
            // The earlier file of this field is no longer part of the application.
            if let Err(e) = blobs.delete(&self.tenant, &old_id).await {
                tracing::warn!(error = %e, "removing a replaced upload failed");
            }
        }
        self.used = self.used.saturating_sub(up.replaced) + up.size;
        let answer =
            json!({"id": meta.id, "name": meta.name, "size": meta.size, "type": meta.kind});
        Ok(Received::Stored(meta, answer))
    }
}

impl Upload {
    /// Takes the next chunk. Beyond the file's or the application's limit nothing more is
    /// written (the rest is still read, so the error page can be sent).
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), std::io::Error> {
        self.size += chunk.len() as u64;
        if self.size > self.limit || self.size > self.budget {
            return Ok(());
        }
        if self.head.len() < 16 {
            let take = 16 - self.head.len();
            self.head.extend(chunk.iter().take(take));
        }
        self.hash.update(chunk);
        self.out.write_all(chunk).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_fields_are_found_anywhere_on_the_step() {
        let step: StepDef = serde_json::from_value(json!({
        "id": "s", "title": {"de": "S"}, "fields": [
            {"id": "a", "kind": "text", "label": {"de": "A"}},
            {"id": "b", "kind": "file", "label": {"de": "B"}, "accept": ["pdf"]},
            {"id": "g", "kind": "group", "label": {"de": "G"}, "fields": [
                {"id": "x", "kind": "text", "label": {"de": "X"}},
                {"id": "f", "kind": "file", "label": {"de": "F"}, "accept": ["png"]}]}
        ]}))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(file_field(&step, "b").map(|f| f.id.as_str()), Some("b"));
        assert_eq!(file_field(&step, "g.3.f").map(|f| f.id.as_str()), Some("f"));
        assert!(file_field(&step, "a").is_none());
        assert!(file_field(&step, "g.0.x").is_none());
        assert!(file_field(&step, "g.x.f").is_none());
        assert!(file_field(&step, "nope").is_none());
    }

    #[test]
    fn names_are_sanitised() {
        assert_eq!(sanitize_name("C:\\Users\\x\\Pass.pdf"), "Pass.pdf");
        assert_eq!(sanitize_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_name("a\u{0}b<script>.pdf"), "a_b_script_.pdf");
        assert_eq!(sanitize_name("..."), "datei");
        assert_eq!(sanitize_name(&"x".repeat(300)).len(), 100);
        assert_eq!(
            sanitize_name("Geburtsurkunde Müller.pdf"),
            "Geburtsurkunde Müller.pdf"
        );
    }
}
