//! Reading a step's post, with or without files. Files are streamed to storage chunk by
//! chunk (never held whole in memory), limited per file and per application with the
//! limit named in the error, typed by their content (not their name), stored under a
//! random id with a sanitised display name, and only ever served through the draft.

use crate::csrf;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use axum_extra::extract::CookieJar;
use rathaus_domain::form::{
    format_bytes, FieldDef, FieldError, FieldKind, FileType, Message, StepDef,
};
use rathaus_store::{BlobStore, Db, FileMeta};
use serde_json::{json, Value as Json};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

/// A step post: the text fields, the verified file answers by input name, upload problems.
pub struct StepPost {
    pub pairs: Vec<(String, String)>,
    pub files: Vec<(String, Json)>,
    pub errors: Vec<FieldError>,
}

/// Where the bytes of uploads live (a local folder or S3-compatible storage), and the
/// limit per application.
#[derive(Debug, Clone)]
pub struct FileStore {
    pub blobs: BlobStore,
    /// Upper bound of all files of one application together.
    pub max_per_application: u64,
}

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

/// How a post is read: the tenant and draft its files belong to, the limit of its text
/// part, and whether a new file replaces the field's earlier one (form steps; a reply's
/// file is always new).
pub struct Target<'a> {
    pub tenant: &'a str,
    pub draft: &'a str,
    pub max_text_bytes: usize,
    pub replace: bool,
}

/// An upload being spooled: its file is removed on every way out (an error, a cut-off
/// body, a client that went away and dropped the request) unless it was committed.
struct Spool(std::path::PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        // After a commit the file has been moved away and this does nothing.
        let _ = std::fs::remove_file(&self.0);
    }
}

/// How much of a too-large post is still read (and thrown away) before answering, so that
/// the browser, still sending, receives the error page instead of a broken connection.
const DRAIN_MAX: usize = 1024 * 1024;

/// The body, if it has at most `limit` bytes; otherwise it is read on (and discarded) up
/// to [`DRAIN_MAX`] more and the answer is 413. Nothing beyond `limit` is kept in memory.
async fn read_limited(body: axum::body::Body, limit: usize) -> Result<axum::body::Bytes, Response> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(StatusCode::BAD_REQUEST.into_response());
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen += data.len();
        if seen <= limit {
            kept.extend_from_slice(&data);
        } else if seen > limit.saturating_add(DRAIN_MAX) {
            break;
        }
    }
    if seen > limit {
        return Err(too_large());
    }
    Ok(kept.into())
}

fn too_large() -> Response {
    StatusCode::PAYLOAD_TOO_LARGE.into_response()
}

/// Whether a step takes files at all (only then may its post be multipart and large).
pub fn takes_files(step: &StepDef) -> bool {
    step.fields
        .iter()
        .any(|f| f.kind == FieldKind::File || f.fields.iter().any(|g| g.kind == FieldKind::File))
}

/// Reads the post of `step`. Refuses before reading: a body larger than the step allows
/// (413: the text limit without files, the application's file limit with them) and, for
/// multipart, a missing or wrong CSRF token in the first field (403).
pub async fn read(
    req: Request,
    jar: &CookieJar,
    db: &Db,
    store: &FileStore,
    target: &Target<'_>,
    step: &StepDef,
) -> Result<StepPost, Response> {
    let files = takes_files(step);
    let limit = if files {
        usize::try_from(store.max_per_application)
            .unwrap_or(usize::MAX)
            .saturating_add(target.max_text_bytes)
    } else {
        target.max_text_bytes
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let body_limit = if multipart {
        limit
    } else {
        target.max_text_bytes
    };
    if declared.is_some_and(|n| n > body_limit.saturating_add(DRAIN_MAX) as u64) {
        // Far too large: answered without reading a byte of it.
        return Err(too_large());
    }
    let (parts, body) = req.into_parts();
    if !multipart {
        let bytes = read_limited(body, body_limit).await?;
        let req = Request::from_parts(parts, axum::body::Body::from(bytes));
        let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, &())
            .await
            .map_err(IntoResponse::into_response)?;
        return Ok(StepPost {
            pairs,
            files: Vec::new(),
            errors: Vec::new(),
        });
    }
    if !files {
        let _ = read_limited(body, 0).await;
        return Err(too_large());
    }
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    // A body without a length is cut off at the limit as it arrives.
    let req = Request::from_parts(
        parts,
        axum::body::Body::new(http_body_util::Limited::new(body, limit)),
    );
    let mut mp = Multipart::from_request(req, &())
        .await
        .map_err(IntoResponse::into_response)?;
    let mut post = StepPost {
        pairs: Vec::new(),
        files: Vec::new(),
        errors: Vec::new(),
    };
    let mut csrf_ok = false;
    let stored = db
        .draft_file_sizes(target.tenant, target.draft)
        .await
        .map_err(|e| crate::routes::PageError::Internal(e.to_string()).into_response())?;
    let mut used: u64 = stored.iter().map(|(_, n)| (*n).max(0) as u64).sum();
    let mut text_bytes = 0usize;
    while let Some(mut field) = mp.next_field().await.map_err(IntoResponse::into_response)? {
        let name = field.name().unwrap_or("").to_owned();
        if !csrf_ok {
            // The token is the form's first field; nothing is read or stored before it.
            let value = if name == csrf::FIELD {
                field.text().await.ok()
            } else {
                None
            };
            if !csrf::verify(jar, value.as_deref()) {
                return Err(StatusCode::FORBIDDEN.into_response());
            }
            csrf_ok = true;
            post.pairs.push((name, value.unwrap_or_default()));
            continue;
        }
        let Some(original) = field.file_name().map(str::to_owned) else {
            // Text parts together stay within the limit of a form without files.
            let mut text = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(IntoResponse::into_response)? {
                text_bytes += chunk.len();
                if text_bytes > target.max_text_bytes {
                    return Err(too_large());
                }
                text.extend_from_slice(&chunk);
            }
            post.pairs
                .push((name, String::from_utf8_lossy(&text).into_owned()));
            continue;
        };
        let Some(def) = file_field(step, &name) else {
            // A file for a field that does not take one: read and forget.
            while let Ok(Some(_)) = field.chunk().await {}
            continue;
        };
        // A replaced file does not count against the application's limit.
        let replaced: u64 = if target.replace {
            stored
                .iter()
                .filter(|(f, _)| *f == name)
                .map(|(_, n)| (*n).max(0) as u64)
                .sum()
        } else {
            0
        };
        let budget = store
            .max_per_application
            .saturating_sub(used.saturating_sub(replaced));
        let limit = def.max_file_bytes();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let spool = Spool(store.blobs.spool_path(&id).await.map_err(io_error)?);
        let mut out = tokio::fs::File::create(&spool.0).await.map_err(io_error)?;
        let mut size: u64 = 0;
        let mut head: Vec<u8> = Vec::with_capacity(16);
        let mut hash = Sha256::new();
        let mut too_big = false;
        while let Some(chunk) = field.chunk().await.map_err(IntoResponse::into_response)? {
            size += chunk.len() as u64;
            if size > limit || size > budget {
                too_big = true;
                // Keep reading (and discarding) so the error page can be sent.
                continue;
            }
            if head.len() < 16 {
                head.extend(chunk.iter().take(16 - head.len()));
            }
            hash.update(&chunk);
            out.write_all(&chunk).await.map_err(io_error)?;
        }
        out.flush().await.map_err(io_error)?;
        drop(out);
        if size == 0 && original.is_empty() {
            continue; // no file chosen: keep what was there
        }
        if too_big {
            let e = if size > limit {
                upload_error(
                    &name,
                    "error-file-size",
                    vec![("limit", format_bytes(limit))],
                )
            } else {
                upload_error(
                    &name,
                    "error-application-size",
                    vec![("limit", format_bytes(store.max_per_application))],
                )
            };
            post.errors.push(e);
            continue;
        }
        let kind = FileType::sniff(&head);
        let Some(kind) = kind.filter(|k| def.accept.contains(k)) else {
            let allowed: Vec<&str> = def.accept.iter().map(|t| t.as_str()).collect();
            post.errors.push(upload_error(
                &name,
                "error-file-type",
                vec![("allowed", allowed.join(", ").to_uppercase())],
            ));
            continue;
        };
        if let Err(e) = store.blobs.commit(target.tenant, &id, &spool.0).await {
            // Storage is down: say so at the field and keep every other answer.
            tracing::error!(error = %e, store = %store.blobs.describe(), "storing an upload failed");
            post.errors
                .push(upload_error(&name, "error-file-store", Vec::new()));
            continue;
        }
        let meta = FileMeta {
            tenant_id: target.tenant.to_owned(),
            id: id.clone(),
            draft_id: target.draft.to_owned(),
            field: name.clone(),
            name: sanitize_name(&original),
            size: size as i64,
            kind: kind.as_str().to_owned(),
            sha256: rathaus_app::secrets::hex(&hash.finalize()),
        };
        let old = db
            .add_file(&meta, target.replace)
            .await
            .map_err(|e| crate::routes::PageError::Internal(e.to_string()).into_response())?;
        for old_id in old {
            // The earlier file of this field is no longer part of the application.
            if let Err(e) = store.blobs.delete(target.tenant, &old_id).await {
                tracing::warn!(error = %e, "removing a replaced upload failed");
            }
        }
        used = used.saturating_sub(replaced) + size;
        post.files.push((
            name,
            json!({"id": meta.id, "name": meta.name, "size": meta.size, "type": meta.kind}),
        ));
    }
    if !csrf_ok {
        return Err(StatusCode::FORBIDDEN.into_response());
    }
    Ok(post)
}

fn io_error(e: std::io::Error) -> Response {
    crate::routes::PageError::Internal(format!("file storage: {e}")).into_response()
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
