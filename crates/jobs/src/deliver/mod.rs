//! Hand-over of applications to delivery targets (outbox kind `delivery`).
//!
//! A delivery row names the tenant, the target and the application; everything else is
//! read when it is sent: the target's current configuration and the application document
//! (through [`Source`], which the web layer implements with the catalogue and the file
//! store). The row id is the idempotency key every receiver sees, so a retry after a crash
//! between sending and marking done is recognised as the same delivery.

pub mod fitconnect;
pub mod jose;
pub mod webhook;
pub mod xdomea;

use futures_util::future::BoxFuture;
use rathaus_domain::delivery::{
    Application, DeliveryDef, DeliveryEvent, DropFormat, FileDropTarget,
};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Payload of a `delivery` outbox row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryPayload {
    pub target: String,
    pub reference: String,
    pub event: DeliveryEvent,
}

/// An application ready to hand over.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub app: Application,
    /// File-store keys, parallel to `app.files`.
    pub stored: Vec<String>,
}

/// What the worker needs from the rest of the portal.
pub trait Source: Send + Sync {
    /// The target's configuration as currently loaded.
    fn target(&self, tenant: &str, id: &str) -> Option<DeliveryDef>;
    /// The application document (without file contents).
    fn prepare<'a>(
        &'a self,
        tenant: &'a str,
        reference: &'a str,
        event: DeliveryEvent,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Prepared, Failure>>;
    /// The bytes of a stored file.
    fn read_file<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<u8>, Failure>>;
    /// The application as PDF/A (the receipt document), for the e-file.
    fn application_pdf<'a>(
        &'a self,
        tenant: &'a str,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Vec<u8>, Failure>>;
    /// Relative target folders are inside this folder.
    fn data_dir(&self) -> PathBuf;
    /// The portal's public base URL (links in mails, FIT-Connect callbacks).
    fn public_url(&self) -> String;
}

/// Why a delivery did not go through.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Failure {
    /// Worth trying again later (receiver down, time-out, 5xx, missing secret).
    #[error("{0}")]
    Transient(String),
    /// Will not succeed by waiting (the receiver refused the content, the target is gone):
    /// parked at once for an administrator.
    #[error("{0}")]
    Permanent(String),
}

/// Reads a secret from the environment variable a target names.
pub fn secret(var: &str) -> Result<String, Failure> {
    std::env::var(var)
        .ok()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| Failure::Transient(format!("environment variable {var} is not set")))
}

/// Classifies an HTTP status of a receiver.
pub fn status_failure(what: &str, status: reqwest::StatusCode, body: &str) -> Failure {
    let body: String = body.chars().take(300).collect();
    let msg = format!("{what}: HTTP {status} {body}");
    if status.is_server_error()
        || status == reqwest::StatusCode::REQUEST_TIMEOUT
        || status == reqwest::StatusCode::TOO_MANY_REQUESTS
    {
        Failure::Transient(msg)
    } else {
        Failure::Permanent(msg)
    }
}

pub fn transport_failure(what: &str, e: &reqwest::Error) -> Failure {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "failed"
    };
    Failure::Transient(format!("{what} {kind}: {e}"))
}

/// A target folder: absolute, or inside the data folder.
pub fn folder(source: &dyn Source, dir: &str) -> PathBuf {
    let p = Path::new(dir);
    if p.is_absolute() {
        p.to_owned()
    } else {
        source.data_dir().join(p)
    }
}

/// Writes `files` as a new folder `<dir>/<name>` atomically: everything goes into a hidden
/// temporary folder first, which is renamed when complete, so a reader of the drop folder
/// never sees half a delivery. An existing `<name>` means an earlier attempt completed.
pub async fn write_folder(
    dir: &Path,
    name: &str,
    files: Vec<(String, Vec<u8>)>,
) -> Result<bool, Failure> {
    let io = |e: std::io::Error| Failure::Transient(format!("writing to {}: {e}", dir.display()));
    let done = dir.join(name);
    if tokio::fs::try_exists(&done).await.map_err(io)? {
        return Ok(false);
    }
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    let tmp = dir.join(format!(".tmp-{name}-{}", uuid::Uuid::new_v4().simple()));
    tokio::fs::create_dir_all(&tmp).await.map_err(io)?;
    for (file, bytes) in files {
        let path = tmp.join(&file);
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent).await.map_err(io)?;
        }
        tokio::fs::write(&path, bytes).await.map_err(io)?;
    }
    match tokio::fs::rename(&tmp, &done).await {
        Ok(()) => Ok(true),
        Err(e) => {
            let _ = tokio::fs::remove_dir_all(&tmp).await;
            if tokio::fs::try_exists(&done).await.unwrap_or(false) {
                Ok(false)
            } else {
                Err(io(e))
            }
        }
    }
}

/// A file's name in a drop: its id plus the extension of the citizen's file name.
pub fn drop_name(f: &rathaus_domain::delivery::FileRef) -> String {
    let ext = Path::new(&f.name)
        .extension()
        .and_then(|e| e.to_str())
        .filter(|e| e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
        .map(|e| format!(".{}", e.to_ascii_lowercase()))
        .unwrap_or_default();
    format!("{}{ext}", f.id)
}

/// The file drop: `<dir>/<idempotency key>/antrag.json|xml` plus `dateien/<id>.<ext>`.
pub async fn file_drop(
    source: &dyn Source,
    t: &FileDropTarget,
    p: &Prepared,
) -> Result<String, Failure> {
    let mut files = Vec::new();
    for (f, key) in p.app.files.iter().zip(&p.stored) {
        files.push((
            format!("dateien/{}", drop_name(f)),
            source.read_file(key).await?,
        ));
    }
    match t.format {
        DropFormat::Json => files.push((
            "antrag.json".into(),
            serde_json::to_vec_pretty(&p.app).map_err(|e| Failure::Permanent(e.to_string()))?,
        )),
        DropFormat::Xml => files.push(("antrag.xml".into(), xdomea::application_xml(&p.app)?)),
    }
    let dir = folder(source, &t.dir);
    let fresh = write_folder(&dir, &p.app.idempotency_key, files).await?;
    Ok(format!(
        "{} {}",
        if fresh { "written to" } else { "already in" },
        dir.join(&p.app.idempotency_key).display()
    ))
}

/// The notice to an office's mailbox: service, reference number and a link into the back
/// office, nothing about the applicant.
pub fn office_mail(source: &dyn Source, p: &Prepared) -> (String, String) {
    let a = &p.app;
    let what = match a.event {
        DeliveryEvent::Received => "ist eingegangen",
        DeliveryEvent::ReviewStarted => "ist in Bearbeitung",
        DeliveryEvent::Decided => "ist entschieden",
    };
    let subject = format!("Antrag {}: {} {what}", a.reference, a.service.name);
    let body = format!(
        "Guten Tag,\n\nder Antrag {} ({}) {what}.\n\nSie finden ihn in der Verwaltung des Portals:\n{}/{}/verwaltung/fall/{}\n\n\
         Aus Datenschutzgründen enthält diese Nachricht keine Angaben zur antragstellenden Person.\n\n-- \n{} · Rathaus-Portal\n",
        a.reference,
        a.service.name,
        source.public_url().trim_end_matches('/'),
        a.tenant.id,
        a.reference,
        a.tenant.name,
    );
    (subject, body)
}

/// SHA-256 hex of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Now as RFC 3339 (UTC, seconds).
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn folder_writes_are_atomic_and_once() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let files = vec![("a/b.txt".to_owned(), b"x".to_vec())];
        assert_eq!(
            write_folder(dir.path(), "k1", files.clone()).await,
            Ok(true)
        );
        assert_eq!(write_folder(dir.path(), "k1", files).await, Ok(false));
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["k1".to_owned()]);
        assert_eq!(
            std::fs::read(dir.path().join("k1/a/b.txt")).unwrap_or_default(),
            b"x"
        );
    }

    #[test]
    fn rfc3339_of_millis() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
